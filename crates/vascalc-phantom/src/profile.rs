//! The in-plane image of a disc: a uniform disc of radius `R` convolved with an isotropic 2D
//! Gaussian point-spread function of standard deviation `σ`, as a function of the distance `r`
//! from the disc centre.
//!
//! For a point at distance `r`, the blurred value is the probability that a 2D Gaussian centred on
//! that point falls inside the disc:
//!
//! ```text
//! D(r) = ∫₀ᴿ (ρ/σ²) · exp(−(r² + ρ²)/(2σ²)) · I₀(rρ/σ²) dρ
//!      = ∫₀ᴿ (ρ/σ²) · exp(−(r − ρ)²/(2σ²)) · I₀ₑ(rρ/σ²) dρ
//! ```
//!
//! (the complement of Marcum's Q₁ function), with `I₀ₑ(x) = e^(−x)·I₀(x)` the exponentially
//! scaled modified Bessel function, evaluated with the polynomial approximations of Abramowitz &
//! Stegun, *Handbook of Mathematical Functions* (1964), 9.8.1 and 9.8.2 (|error| < 2·10⁻⁷).
//! Check: at `r = 0` the integral is `1 − exp(−R²/(2σ²))`.

/// `e^(−|x|)·I₀(x)`, Abramowitz & Stegun 9.8.1 (|x| ≤ 3.75) and 9.8.2 (|x| > 3.75).
pub(crate) fn bessel_i0e(x: f64) -> f64 {
    let ax = x.abs();
    if ax <= 3.75 {
        let t = (ax / 3.75).powi(2);
        let i0 = 1.0
            + t * (3.515_622_9
                + t * (3.089_942_4
                    + t * (1.206_749_2 + t * (0.265_973_2 + t * (0.036_076_8 + t * 0.004_581_3)))));
        i0 * (-ax).exp()
    } else {
        let t = 3.75 / ax;
        let p = 0.398_942_28
            + t * (0.013_285_92
                + t * (0.002_253_19
                    + t * (-0.001_575_65
                        + t * (0.009_162_81
                            + t * (-0.020_577_06
                                + t * (0.026_355_37 + t * (-0.016_476_33 + t * 0.003_923_77)))))));
        p / ax.sqrt()
    }
}

/// Radial profile of a blurred disc, tabulated where it is neither 0 nor 1.
#[derive(Debug, Clone)]
pub(crate) struct DiscProfile {
    radius: f64,
    sigma: f64,
    /// Table covers `[r0, r0 + step·(len−1)]`; below it the value is 1, above it 0.
    r0: f64,
    step: f64,
    table: Vec<f64>,
}

/// Half-width, in units of σ, of the band around the edge where the profile is tabulated. Outside
/// it the profile differs from 0 or 1 by less than exp(−8²/2) ≈ 1.3·10⁻¹⁴.
const BAND_SIGMAS: f64 = 8.0;

impl DiscProfile {
    pub(crate) fn new(radius: f64, sigma: f64) -> Self {
        if sigma <= 0.0 {
            return Self {
                radius,
                sigma: 0.0,
                r0: radius,
                step: 0.0,
                table: Vec::new(),
            };
        }
        let r0 = (radius - BAND_SIGMAS * sigma).max(0.0);
        let r1 = radius + BAND_SIGMAS * sigma;
        let step = sigma / 32.0;
        let n = ((r1 - r0) / step).ceil() as usize + 1;
        let table = (0..n)
            .map(|i| blurred_disc(radius, sigma, r0 + step * i as f64))
            .collect();
        Self {
            radius,
            sigma,
            r0,
            step,
            table,
        }
    }

    /// The largest distance at which the value is not (numerically) zero.
    pub(crate) fn support(&self) -> f64 {
        self.radius + BAND_SIGMAS * self.sigma
    }

    /// The blurred disc at distance `r` from its centre.
    pub(crate) fn at(&self, r: f64) -> f64 {
        if self.sigma == 0.0 {
            return if r <= self.radius { 1.0 } else { 0.0 };
        }
        if r < self.r0 {
            return 1.0;
        }
        let pos = (r - self.r0) / self.step;
        let i = pos.floor() as usize;
        match (self.table.get(i), self.table.get(i + 1)) {
            (Some(a), Some(b)) => {
                let f = pos - i as f64;
                a + (b - a) * f
            }
            (Some(a), None) => *a,
            _ => 0.0,
        }
    }
}

/// `D(r)` by composite Simpson integration over the band where the integrand is not negligible.
fn blurred_disc(radius: f64, sigma: f64, r: f64) -> f64 {
    let s2 = sigma * sigma;
    let lo = (r - BAND_SIGMAS * sigma).max(0.0);
    let hi = (r + BAND_SIGMAS * sigma).min(radius);
    if hi <= lo {
        return if r < radius { 1.0 } else { 0.0 };
    }
    let f =
        |rho: f64| rho / s2 * (-(r - rho).powi(2) / (2.0 * s2)).exp() * bessel_i0e(r * rho / s2);
    let n = 256;
    let h = (hi - lo) / n as f64;
    let mut sum = f(lo) + f(hi);
    for i in 1..n {
        let w = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += w * f(lo + h * i as f64);
    }
    (sum * h / 3.0).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bessel_matches_reference_values() {
        // I0(1) = 1.2660658777520082, I0(5) = 27.239871823604442 (A&S table 9.8).
        assert!((bessel_i0e(1.0) * 1f64.exp() - 1.266_065_877_752).abs() < 1e-6);
        assert!((bessel_i0e(5.0) * 5f64.exp() - 27.239_871_823_6).abs() < 1e-4);
    }

    #[test]
    fn centre_value_has_closed_form() {
        for (radius, sigma) in [(0.5, 0.42), (2.5, 0.42), (1.5, 1.0)] {
            let p = DiscProfile::new(radius, sigma);
            let exact = 1.0 - (-(radius * radius) / (2.0 * sigma * sigma)).exp();
            assert!((p.at(0.0) - exact).abs() < 1e-6, "R={radius} σ={sigma}");
        }
    }

    #[test]
    fn edge_value_is_near_half_for_large_discs() {
        // For R ≫ σ the edge is locally straight: the value at r = R tends to 1/2 (slightly
        // less because the disc is convex).
        let p = DiscProfile::new(50.0, 0.5);
        assert!((p.at(50.0) - 0.5).abs() < 0.01);
        assert_eq!(p.at(0.0), 1.0);
        assert_eq!(p.at(60.0), 0.0);
    }

    #[test]
    fn blur_conserves_the_disc_area() {
        // ∫ D(r) 2πr dr = πR² (the PSF integrates to one).
        let (radius, sigma) = (2.5, 0.6);
        let p = DiscProfile::new(radius, sigma);
        let dr = 1e-3;
        let mut area = 0.0;
        let mut r = dr / 2.0;
        while r < p.support() {
            area += p.at(r) * 2.0 * std::f64::consts::PI * r * dr;
            r += dr;
        }
        let exact = std::f64::consts::PI * radius * radius;
        assert!((area / exact - 1.0).abs() < 1e-4, "{area} vs {exact}");
    }
}
