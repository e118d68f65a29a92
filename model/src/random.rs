//! The random source behind autobind's rover (`get_random_u32_below` in `drivers/char/random.c`).
//!
//! Injectable and seedable, so a model run is deterministic for users' tests; the harness
//! normalizes rover portids when it compares with the kernel.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// A source of random numbers for the model.
pub trait RandomSource: Send {
    /// A uniform value in `0..ceil` (`get_random_u32_below`); `ceil` is never 0.
    fn get_random_u32_below(&mut self, ceil: u32) -> u32;
}

/// The default source: ChaCha8 from a 64-bit seed.
#[derive(Clone, Debug)]
pub struct SeededRandom(ChaCha8Rng);

impl SeededRandom {
    /// A source that yields the same sequence for the same seed.
    pub fn new(seed: u64) -> Self {
        SeededRandom(ChaCha8Rng::seed_from_u64(seed))
    }
}

impl RandomSource for SeededRandom {
    fn get_random_u32_below(&mut self, ceil: u32) -> u32 {
        // Lemire's multiply-and-reject: unbiased, like the kernel's.
        loop {
            let m = u64::from(self.0.next_u32()) * u64::from(ceil);
            let low = m as u32;
            if low >= ceil || low >= ceil.wrapping_neg() % ceil {
                return (m >> 32) as u32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_stays_in_range_and_is_deterministic() {
        let mut a = SeededRandom::new(7);
        let mut b = SeededRandom::new(7);
        for ceil in [1u32, 2, 3, 1000, u32::MAX, 0x7fff_efff] {
            let x = a.get_random_u32_below(ceil);
            assert!(x < ceil);
            assert_eq!(x, b.get_random_u32_below(ceil));
        }
    }
}
