//! rtnetlink's own operations on a model network namespace: no root, no namespace, no kernel.
//!
//! ```text
//! cargo run --example rtnetlink_on_model
//! ```

use futures_util::stream::{StreamExt, TryStreamExt};
use netlink_packet_core::NetlinkPayload;
use netlink_packet_route::link::LinkAttribute;
use netlink_packet_route::RouteNetlinkMessage;
use nltwin::transport::async_model::ModelSocket;
use rtnetlink::{LinkBridge, LinkUnspec, LinkVeth, MulticastGroup};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The one change from a program on the kernel: `new_connection_with_socket::<ModelSocket>()`
    // instead of `new_connection()`. The sockets join this thread's model namespace.
    let (conn, _, mut events) =
        rtnetlink::new_multicast_connection_with_socket::<ModelSocket>(&[MulticastGroup::Link])?;
    tokio::spawn(conn);
    let (conn, handle, _) = rtnetlink::new_connection_with_socket::<ModelSocket>()?;
    tokio::spawn(conn);

    handle
        .link()
        .add(LinkVeth::new("v0", "v1").build())
        .execute()
        .await?;
    handle
        .link()
        .add(LinkBridge::new("br0").build())
        .execute()
        .await?;
    let br = handle
        .link()
        .get()
        .match_name("br0")
        .execute()
        .try_next()
        .await?;
    let br = br.expect("br0 exists").header.index;
    handle
        .link()
        .set(LinkUnspec::new_with_name("v0").mtu(1400).up().build())
        .execute()
        .await?;
    handle
        .link()
        .set(LinkUnspec::new_with_name("v1").controller(br).build())
        .execute()
        .await?;

    let mut links = handle.link().get().execute();
    while let Some(link) = links.try_next().await? {
        let attr = |f: fn(&LinkAttribute) -> Option<String>| {
            link.attributes.iter().find_map(f).unwrap_or_default()
        };
        let name = attr(|a| match a {
            LinkAttribute::IfName(n) => Some(n.clone()),
            _ => None,
        });
        let mtu = attr(|a| match a {
            LinkAttribute::Mtu(m) => Some(m.to_string()),
            _ => None,
        });
        let master = attr(|a| match a {
            LinkAttribute::Controller(i) => Some(format!(" master {i}")),
            _ => None,
        });
        println!(
            "{}: {name}: mtu {mtu}{master} flags {:?}",
            link.header.index, link.header.flags
        );
    }

    // The listener heard each change.
    let mut heard = 0;
    while heard < 3 {
        let (msg, _) = events.next().await.expect("listener open");
        if let NetlinkPayload::InnerMessage(RouteNetlinkMessage::NewLink(l)) = msg.payload {
            println!("notified: RTM_NEWLINK ifindex {}", l.header.index);
            heard += 1;
        }
    }
    Ok(())
}
