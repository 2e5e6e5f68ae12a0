//! CAC-DRS, the Coronary Artery Calcium Data and Reporting System: one code for a scan,
//! computed in one place for the CT scorer and the clinical assessment.

use serde::Serialize;

use crate::artery::ArteryScores;

pub const CAC_DRS_SOURCE: &str = "Hecht HS et al. CAC-DRS: Coronary Artery Calcium Data and \
Reporting System. An expert consensus document of the SCCT, J Cardiovasc Comput Tomogr \
2018;12(3):185-191, doi:10.1016/j.jcct.2018.03.008 (cut-offs 0 / 1-99 / 100-299 / >=300 as \
summarised by the CAC Consortium validation, doi:10.1016/j.jcct.2019.03.011, and reviews)";

/// A CAC-DRS code: the Agatston category A and, when the scan was scored per artery, the
/// number of vessels with calcium N.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CacDrs {
    /// e.g. `A2/N3`, or `A2` when the scan was not scored per artery.
    pub code: &'static str,
    /// 0–3.
    pub a: u8,
    /// Number of vessels (LM, LAD, LCx, RCA) with calcium, when per-artery scores are given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u8>,
    pub source: &'static str,
}

/// The CAC-DRS code of a scan with total Agatston score `agatston` and, when it was scored per
/// artery, those scores.
///
/// A: 0, 1–99, 100–299, ≥ 300 (Hecht 2018, table 1).
///
/// N, the rule: when the scan was scored per artery (`arteries` is `Some`), N is the number of
/// the four coronary arteries (LM, LAD, LCx, RCA) with a score above 0, and **an artery with no
/// score counts as 0**, i.e. as an artery without calcium. Why: CAC-DRS defines N as the number
/// of vessels with calcium (Hecht HS et al., J Cardiovasc Comput Tomogr 2018;12(3):185-191,
/// doi:10.1016/j.jcct.2018.03.008); a per-artery scoring lists the arteries in which it found
/// lesions, so an artery it does not list is one in which it found none. Counting only when all
/// four are listed gave the same scan two codes (`scan score` said A3/N3, the record's
/// assessment A3). N is not stated when the scan was not scored per artery, for A0 (no
/// calcium, no vessels) and when no coronary artery has calcium.
pub fn cac_drs(agatston: f64, arteries: Option<&ArteryScores>) -> CacDrs {
    let a: u8 = match agatston {
        x if x <= 0.0 => 0,
        x if x < 100.0 => 1,
        x if x < 300.0 => 2,
        _ => 3,
    };
    let n = arteries
        .map(ArteryScores::vessels_with_calcium)
        .filter(|&n| a > 0 && n > 0);
    // Every code is one of 4 + 3 × 4 static strings: no allocation per assessment.
    const CODES: [[&str; 5]; 4] = [
        ["A0", "A0/N1", "A0/N2", "A0/N3", "A0/N4"],
        ["A1", "A1/N1", "A1/N2", "A1/N3", "A1/N4"],
        ["A2", "A2/N1", "A2/N2", "A2/N3", "A2/N4"],
        ["A3", "A3/N1", "A3/N2", "A3/N3", "A3/N4"],
    ];
    let code = CODES[usize::from(a)][usize::from(n.unwrap_or(0))];
    CacDrs {
        code,
        a,
        n,
        source: CAC_DRS_SOURCE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_categories() {
        // Cut-offs from Hecht 2018, table 1.
        for (score, code) in [
            (0.0, "A0"),
            (0.5, "A1"),
            (99.9, "A1"),
            (100.0, "A2"),
            (299.0, "A2"),
            (300.0, "A3"),
        ] {
            assert_eq!(cac_drs(score, None).code, code, "{score}");
        }
    }

    #[test]
    fn an_artery_not_given_counts_as_zero() {
        let three = ArteryScores {
            lad: Some(200.0),
            lcx: Some(100.0),
            rca: Some(50.0),
            ..ArteryScores::default()
        };
        let d = cac_drs(350.0, Some(&three));
        assert_eq!((d.code, d.n), ("A3/N3", Some(3)));
        let with_zero_lm = ArteryScores {
            lm: Some(0.0),
            ..three
        };
        assert_eq!(cac_drs(350.0, Some(&with_zero_lm)).code, "A3/N3");
        assert_eq!(cac_drs(350.0, Some(&ArteryScores::default())).code, "A3");
        assert_eq!(cac_drs(0.0, Some(&three)).code, "A0");
    }
}
