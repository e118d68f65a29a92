//! Route metrics (`net/ipv4/metrics.c`): an RTA_METRICS nest made into the array of
//! `RTAX_MAX` values a route keeps (`ip_metrics_convert`, `ip_fib_metrics_init`), and the
//! nest written back from it (`rtnetlink_put_metrics`, `net/core/rtnetlink.c`). IPv4 routes
//! use it; the conversion names no family, so IPv6's can too.

use crate::af_netlink::NetlinkExtAck;
use crate::errno::Errno;
use crate::kernel::Kernel;
use crate::profile::Feature;
use crate::skbuff::SkBuff;
use crate::uapi::route::*;
use nltwin_wire::nla::Attrs;

/// `TCP_CA_NAME_MAX`: a congestion control's name, its NUL included.
pub(crate) const TCP_CA_NAME_MAX: usize = 16;

/// `DST_FEATURE_ECN_CA`: the kernel's own feature bit (outside RTAX_FEATURE_MASK) set when
/// the route's congestion control needs ECN.
const DST_FEATURE_ECN_CA: u32 = 1 << 31;

/// A route's metrics (`struct dst_metrics`'s array): index `RTAX_x - 1`. All zero is the
/// kernel's `dst_default_metrics`, which the fill writes nothing for either.
pub(crate) type Metrics = [u32; RTAX_MAX];

/// `RTAX_FEATURE_MASK` of the release (RTAX_FEATURE_TCP_USEC_TS from 6.7).
fn rtax_feature_mask(k: &Kernel) -> u32 {
    let mut m =
        RTAX_FEATURE_ECN | RTAX_FEATURE_SACK | RTAX_FEATURE_TIMESTAMP | RTAX_FEATURE_ALLFRAG;
    if k.has(Feature::RtaxFeatureTcpUsecTs) {
        m |= RTAX_FEATURE_TCP_USEC_TS;
    }
    m
}

/// `tcp_ca_get_key_by_name`: the key of a registered congestion control (the kernel's is a
/// hash of the name; the model's is the name's place among the build's controls, plus one,
/// as opaque to users: only [`tcp_ca_get_name_by_key`] reads it). None: `TCP_CA_UNSPEC`.
/// The controls the model knows need no ECN (`ecn_ca` stays false).
pub(crate) fn tcp_ca_get_key_by_name(k: &Kernel, name: &[u8]) -> Option<u32> {
    k.profile()
        .config
        .tcp_congestion_controls
        .iter()
        .position(|c| c.as_bytes() == name)
        .map(|i| i as u32 + 1)
}

/// `tcp_ca_get_name_by_key`.
pub(crate) fn tcp_ca_get_name_by_key(k: &Kernel, key: u32) -> Option<&'static str> {
    let i = usize::try_from(key.checked_sub(1)?).ok()?;
    k.profile().config.tcp_congestion_controls.get(i).copied()
}

/// `nla_strscpy` into `TCP_CA_NAME_MAX`: up to the first NUL, at most 15 bytes.
fn nla_strscpy_ca(payload: &[u8]) -> &[u8] {
    let s = payload.split(|&b| b == 0).next().unwrap_or(&[]);
    &s[..s.len().min(TCP_CA_NAME_MAX - 1)]
}

/// `ip_metrics_convert`: each metric of the nest (`msg[range]`) into its slot, the last of
/// a type winning; type 0 skipped, one past RTAX_MAX "Invalid metric type"; RTAX_CC_ALGO by
/// a registered name ("Unknown tcp congestion algorithm"), the others exactly a u32 ("Invalid
/// attribute in metrics", at the attribute); ADVMSS, MTU and HOPLIMIT capped, FEATURES within
/// the mask. From 6.12 a locked CWND must have a value.
pub(crate) fn ip_metrics_convert(
    k: &Kernel,
    msg: &[u8],
    range: std::ops::Range<usize>,
    extack: &mut NetlinkExtAck,
) -> Result<Metrics, Errno> {
    let mut metrics = [0u32; RTAX_MAX];
    let ecn_ca = false;
    let inval = |extack: &mut NetlinkExtAck, m: &str| {
        extack.msg = Some(m.into());
        Errno::EINVAL
    };
    let base = range.start;
    for a in Attrs::with_base(&msg[range], base) {
        let ty = usize::from(a.kind());
        if ty == 0 {
            continue;
        }
        if ty > RTAX_MAX {
            return Err(inval(extack, "Invalid metric type"));
        }
        let mut val;
        if ty == usize::from(RTAX_CC_ALGO) {
            val = tcp_ca_get_key_by_name(k, nla_strscpy_ca(a.payload()))
                .ok_or_else(|| inval(extack, "Unknown tcp congestion algorithm"))?;
        } else {
            if a.payload().len() != 4 {
                extack.bad_attr = Some(a.offset());
                return Err(inval(extack, "Invalid attribute in metrics"));
            }
            val = a.u32().unwrap_or(0);
        }
        if ty == usize::from(RTAX_ADVMSS) && val > 65535 - 40 {
            val = 65535 - 40;
        }
        if ty == usize::from(RTAX_MTU) && val > 65535 - 15 {
            val = 65535 - 15;
        }
        if ty == usize::from(RTAX_HOPLIMIT) && val > 255 {
            val = 255;
        }
        if ty == usize::from(RTAX_FEATURES) && val & !rtax_feature_mask(k) != 0 {
            return Err(inval(
                extack,
                "Unknown flag set in feature mask in metrics attribute",
            ));
        }
        metrics[ty - 1] = val;
    }
    if ecn_ca {
        metrics[usize::from(RTAX_FEATURES) - 1] |= DST_FEATURE_ECN_CA;
    }
    if k.has(Feature::MetricsLockedCwndNonZero)
        && metrics[usize::from(RTAX_LOCK) - 1] & (1 << RTAX_CWND) != 0
        && metrics[usize::from(RTAX_CWND) - 1] == 0
    {
        return Err(inval(extack, "Locked cwnd metric must be non zero"));
    }
    Ok(metrics)
}

/// `ip_fib_metrics_init`: no nest, the default (all zero) metrics; else the conversion.
pub(crate) fn ip_fib_metrics_init(
    k: &Kernel,
    msg: &[u8],
    mx: Option<std::ops::Range<usize>>,
    extack: &mut NetlinkExtAck,
) -> Result<Metrics, Errno> {
    match mx {
        None => Ok([0; RTAX_MAX]),
        Some(r) => ip_metrics_convert(k, msg, r, extack),
    }
}

/// `fib_metrics_match`: each metric the request names (RTAX_CC_ALGO by name, an unknown one
/// as key 0) has the route's value; a type past RTAX_MAX matches nothing.
pub(crate) fn fib_metrics_match(
    k: &Kernel,
    msg: &[u8],
    mx: Option<std::ops::Range<usize>>,
    fi_metrics: &Metrics,
) -> bool {
    let Some(range) = mx else {
        return true;
    };
    for a in Attrs::with_base(&msg[range.clone()], range.start) {
        let ty = usize::from(a.kind());
        if ty == 0 {
            continue;
        }
        if ty > RTAX_MAX {
            return false;
        }
        let fi_val = fi_metrics[ty - 1];
        let val = if ty == usize::from(RTAX_CC_ALGO) {
            tcp_ca_get_key_by_name(k, nla_strscpy_ca(a.payload())).unwrap_or(0)
        } else {
            a.u32().unwrap_or(0)
        };
        let fi_val = if ty == usize::from(RTAX_FEATURES) {
            fi_val & !DST_FEATURE_ECN_CA
        } else {
            fi_val
        };
        if fi_val != val {
            return false;
        }
    }
    true
}

/// `rtnetlink_put_metrics`: an RTA_METRICS nest of the non-zero metrics (RTAX_CC_ALGO as its
/// name, RTAX_FEATURES without the kernel's own bits), cancelled when none is.
pub(crate) fn rtnetlink_put_metrics(
    k: &Kernel,
    skb: &mut SkBuff,
    metrics: &Metrics,
) -> Result<(), Errno> {
    if metrics.iter().all(|&m| m == 0) {
        return Ok(());
    }
    let mx = skb.nla_nest_start_noflag(RTA_METRICS)?;
    let mut valid = 0;
    for (i, &m) in metrics.iter().enumerate() {
        if m == 0 {
            continue;
        }
        let ty = i as u16 + 1;
        if ty == RTAX_CC_ALGO {
            let Some(name) = tcp_ca_get_name_by_key(k, m) else {
                continue;
            };
            skb.nla_put_string(ty, name)?;
        } else if ty == RTAX_FEATURES {
            let user = m & rtax_feature_mask(k);
            if user == 0 {
                continue;
            }
            skb.nla_put_u32(ty, user)?;
        } else {
            skb.nla_put_u32(ty, m)?;
        }
        valid += 1;
    }
    if valid == 0 {
        skb.nla_nest_cancel(mx);
    } else {
        skb.nla_nest_end(mx);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;
    use nltwin_wire::NlBuf;

    fn nest(build: impl FnOnce(&mut NlBuf)) -> Vec<u8> {
        let mut b = NlBuf::unlimited();
        build(&mut b);
        b.into_vec()
    }

    fn convert(k: &Kernel, mx: &[u8]) -> (Result<Metrics, Errno>, NetlinkExtAck) {
        let mut ext = NetlinkExtAck::default();
        (ip_metrics_convert(k, mx, 0..mx.len(), &mut ext), ext)
    }

    #[test]
    fn metrics_are_capped_named_and_written_back() {
        let (k, _) = Kernel::sandboxed_with(Profile::LINUX_6_18, 1);
        let mx = nest(|b| {
            b.nla_put_u32(RTAX_LOCK, 1 << RTAX_MTU).unwrap();
            b.nla_put_u32(RTAX_MTU, 70_000).unwrap();
            b.nla_put_u32(RTAX_HOPLIMIT, 300).unwrap();
            b.nla_put_u32(RTAX_ADVMSS, 70_000).unwrap();
            b.nla_put_string(RTAX_CC_ALGO, "cubic").unwrap();
            b.nla_put_u32(RTAX_WINDOW, 0).unwrap();
        });
        let (m, _) = convert(&k, &mx);
        let m = m.unwrap();
        assert_eq!(m[usize::from(RTAX_MTU) - 1], 65520);
        assert_eq!(m[usize::from(RTAX_HOPLIMIT) - 1], 255);
        assert_eq!(m[usize::from(RTAX_ADVMSS) - 1], 65495);
        let key = m[usize::from(RTAX_CC_ALGO) - 1];
        assert_eq!(tcp_ca_get_name_by_key(&k, key), Some("cubic"));
        let mut skb = SkBuff::alloc_skb(1024);
        rtnetlink_put_metrics(&k, &mut skb, &m).unwrap();
        // The nest: lock, mtu, advmss, hoplimit (u32 each) and "cubic\0"; no zero window.
        let attrs: Vec<u16> = Attrs::new(&skb.data()[4..]).map(|a| a.kind()).collect();
        assert_eq!(
            attrs,
            [
                RTAX_LOCK,
                RTAX_MTU,
                RTAX_ADVMSS,
                RTAX_HOPLIMIT,
                RTAX_CC_ALGO
            ]
        );
        // All zero writes nothing.
        let mut skb = SkBuff::alloc_skb(64);
        rtnetlink_put_metrics(&k, &mut skb, &[0; RTAX_MAX]).unwrap();
        assert!(skb.data().is_empty());
    }

    #[test]
    fn bad_metrics_are_refused_with_their_messages() {
        let (k, _) = Kernel::sandboxed_with(Profile::LINUX_6_18, 1);
        let cases: [(Vec<u8>, &str); 4] = [
            (
                nest(|b| b.nla_put_u32(18, 1).unwrap()),
                "Invalid metric type",
            ),
            (
                nest(|b| b.nla_put_u16(RTAX_MTU, 1400).unwrap()),
                "Invalid attribute in metrics",
            ),
            (
                nest(|b| b.nla_put_string(RTAX_CC_ALGO, "dctcp").unwrap()),
                "Unknown tcp congestion algorithm",
            ),
            (
                nest(|b| b.nla_put_u32(RTAX_LOCK, 1 << RTAX_CWND).unwrap()),
                "Locked cwnd metric must be non zero",
            ),
        ];
        for (mx, msg) in cases {
            let (r, ext) = convert(&k, &mx);
            assert_eq!(r, Err(Errno::EINVAL), "{msg}");
            assert_eq!(ext.msg.as_deref(), Some(msg));
        }
        // 6.1 has no locked-cwnd check and no RTAX_FEATURE_TCP_USEC_TS.
        let (k61, _) = Kernel::sandboxed_with(Profile::DEBIAN_6_1, 1);
        let locked = nest(|b| b.nla_put_u32(RTAX_LOCK, 1 << RTAX_CWND).unwrap());
        assert!(convert(&k61, &locked).0.is_ok());
        let usec = nest(|b| {
            b.nla_put_u32(RTAX_FEATURES, RTAX_FEATURE_TCP_USEC_TS)
                .unwrap()
        });
        assert_eq!(convert(&k61, &usec).0, Err(Errno::EINVAL));
        assert!(convert(&k, &usec).0.is_ok());
    }
}
