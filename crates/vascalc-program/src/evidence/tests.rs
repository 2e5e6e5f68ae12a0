//! Schema checks of the embedded evidence base.

use super::*;
use std::collections::BTreeSet;

fn base() -> &'static EvidenceBase {
    match evidence() {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn every_file_parses_with_the_schema() {
    // deny_unknown_fields + required fields + enums are enforced by serde; parse each file alone
    // so a failure names the file.
    for (name, text) in FILES {
        if let Err(e) = parse_files(&[(name, text)]) {
            panic!("{e}");
        }
    }
    assert!(
        base().interventions.len() >= 15,
        "{}",
        base().interventions.len()
    );
}

#[test]
fn text_fields_are_filled() {
    for i in &base().interventions {
        for (field, v) in [("id", &i.id), ("name", &i.name), ("summary", &i.summary)] {
            assert!(!v.trim().is_empty(), "intervention {}: empty {field}", i.id);
        }
        assert!(!i.studies.is_empty(), "intervention {} has no study", i.id);
        for s in &i.studies {
            for (field, v) in [
                ("first_author", &s.first_author),
                ("journal", &s.journal),
                ("population", &s.population),
                ("duration", &s.duration),
                ("dose", &s.dose),
                ("endpoint", &s.endpoint),
                ("result", &s.result),
            ] {
                assert!(!v.trim().is_empty(), "study {}: empty {field}", s.id);
            }
            assert!(
                (1950..=2026).contains(&s.year),
                "study {}: year {}",
                s.id,
                s.year
            );
            assert!(s.n.is_none_or(|n| n > 0), "study {}: n = 0", s.id);
        }
    }
    for g in &base().guidelines {
        assert!(
            !g.statement.trim().is_empty() && !g.title.trim().is_empty(),
            "guideline {}",
            g.id
        );
    }
}

#[test]
fn identifiers_are_well_formed() {
    for i in &base().interventions {
        for s in &i.studies {
            if let Some(doi) = &s.doi {
                assert!(doi_well_formed(doi), "study {}: DOI {doi:?}", s.id);
            }
            if let Some(pmid) = &s.pmid {
                assert!(pmid_well_formed(pmid), "study {}: PMID {pmid:?}", s.id);
            }
            for other in &s.other_ids {
                let ok = other
                    .strip_prefix("PMC")
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
                    || other
                        .strip_prefix("NCT")
                        .is_some_and(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()));
                assert!(
                    ok,
                    "study {}: other id {other:?} is neither PMC… nor NCT########",
                    s.id
                );
            }
            // A study that cannot be looked up must say so.
            if s.doi.is_none() && s.pmid.is_none() && s.other_ids.is_empty() {
                assert!(
                    s.unconfirmed,
                    "study {} has no DOI, PMID, PMC or NCT id and is not marked unconfirmed",
                    s.id
                );
            }
            if s.unconfirmed {
                assert!(
                    s.note.as_deref().is_some_and(|n| !n.trim().is_empty()),
                    "study {} is unconfirmed without saying what",
                    s.id
                );
            }
        }
    }
    for g in &base().guidelines {
        if let Some(doi) = &g.doi {
            assert!(doi_well_formed(doi), "guideline {}: DOI {doi:?}", g.id);
        }
        if let Some(pmid) = &g.pmid {
            assert!(pmid_well_formed(pmid), "guideline {}: PMID {pmid:?}", g.id);
        }
    }
}

#[test]
fn ids_are_unique() {
    let mut interventions = BTreeSet::new();
    let mut studies = BTreeSet::new();
    let mut guidelines = BTreeSet::new();
    for i in &base().interventions {
        assert!(
            interventions.insert(i.id.as_str()),
            "duplicate intervention id {}",
            i.id
        );
        for s in &i.studies {
            assert!(studies.insert(s.id.as_str()), "duplicate study id {}", s.id);
        }
    }
    for g in &base().guidelines {
        assert!(
            guidelines.insert(g.id.as_str()),
            "duplicate guideline id {}",
            g.id
        );
    }
}

#[test]
fn a_benefit_verdict_needs_randomised_benefit() {
    // Never round a null trial into a benefit: an intervention is "benefit" overall only if a
    // randomised study or meta-analysis found benefit on its primary endpoint, and no randomised
    // study of at least moderate certainty was null.
    for i in &base().interventions {
        if i.overall != Overall::Benefit {
            continue;
        }
        let randomised_benefit = i
            .studies
            .iter()
            .any(|s| s.design.randomised() && s.direction == Direction::Benefit);
        let strong_null = i.studies.iter().any(|s| {
            s.design.randomised()
                && s.direction == Direction::Null
                && s.certainty >= Certainty::Moderate
        });
        // Smoking cessation is the exception by design: no trial randomises smoking; its verdict
        // rests on consistent cohort evidence and is stated so in its summary.
        if i.id == "smoking" {
            continue;
        }
        assert!(
            randomised_benefit && !strong_null,
            "intervention {} is marked benefit without randomised support",
            i.id
        );
    }
}

#[test]
fn null_primary_trials_are_not_called_benefit() {
    // The studies the research notes list as null on their primary endpoint stay null here.
    for id in [
        "avadec-2022",
        "hasific-2023-avadec-cac",
        "trevasc-hdk-2023",
        "ipack-hd-2023",
        "shea-2009",
        "magical-ckd-2023",
        "improve-ckd-2020",
        "djuric-2020",
        "calciphyx-2024",
        "st-francis-2005",
        "belles-2005",
        "care2-2008",
        "manson-2010-whi",
        "k4kidneys-2020",
        "suki-2007-dcor",
        "hariri-2023",
        "strength-2020",
    ] {
        let Some((_, s)) = base().study(id) else {
            panic!("study {id} missing")
        };
        assert_eq!(s.direction, Direction::Null, "{id}");
    }
}

#[test]
fn every_summary_claim_has_a_study_behind_it() {
    // Issue 10: a summary names the studies it rests on, and every figure it prints is one of
    // theirs (rounding allowed, sign not).
    let problems = summary_problems(base());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A one-intervention file with `summary` and `sources`, its one study reporting OR 1.21 and
/// −17 AU in 2,103 people.
fn one(summary: &str, sources: &str) -> String {
    format!(
        r#"[[intervention]]
id = "x"
name = "X"
pillar = "diet"
summary = "{summary}"
sources = [{sources}]
overall = "null"
certainty = "low"

[[intervention.studies]]
id = "x-2020"
first_author = "A"
year = 2020
journal = "J"
pmid = "1"
design = "rct"
population = "Adults"
n = 2103
duration = "2 years"
dose = "MK-7 180 µg/day"
endpoint = "CAC"
result = "CAC OR 1.21 (1.08–1.36); difference −17.37 AU."
direction = "null"
certainty = "low"
"#
    )
}

fn problems_of(summary: &str, sources: &str) -> Vec<String> {
    let text = one(summary, sources);
    match parse_files(&[("broken.toml", text.as_str())]) {
        Ok(b) => summary_problems(&b),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn the_summary_check_fails_on_claims_without_a_study() {
    // Backed: figures of the source (rounded to the summary's precision), names with digits.
    assert_eq!(
        problems_of(
            "MK-7 in 2,103 adults (2020): OR 1.21, about −17 AU over 2 years.",
            r#""x-2020""#
        ),
        Vec::<String>::new()
    );
    // The checks bite: a figure no source has, a sign flipped, a source that does not exist,
    // and a summary that names no source.
    let p = problems_of("Quitting cuts events within 5 years.", r#""x-2020""#);
    assert!(p.len() == 1 && p[0].contains("figure 5"), "{p:?}");
    let p = problems_of("A difference of 17 AU.", r#""x-2020""#);
    assert!(p.len() == 1 && p[0].contains("figure 17"), "{p:?}");
    let p = problems_of("OR 1.21.", r#""nobody-1999""#);
    assert!(
        p.iter()
            .any(|m| m.contains("nobody-1999 is not one of its studies")),
        "{p:?}"
    );
    let p = problems_of("OR 1.21.", "");
    assert!(p.len() == 1 && p[0].contains("names no source"), "{p:?}");
}

#[test]
fn numbers_are_read_with_sign_and_without_names() {
    assert_eq!(
        numbers_in(
            "MK-7 10–20 µg, omega-3, K2, CKD G3a, OR 1.95 (1.12–3.40), −17 AU, 13,078 (-3% to 18%)"
        ),
        vec![
            (10.0, 0),
            (20.0, 0),
            (1.95, 2),
            (1.12, 2),
            (3.40, 2),
            (-17.0, 0),
            (13078.0, 0),
            (-3.0, 0),
            (18.0, 0)
        ]
    );
}

#[test]
fn results_are_never_attributed_to_a_protocol() {
    // Issue 10, error 2: Trevasc-HDK's results cited the protocol's DOI and PMID. A study with
    // a result must not carry the identifiers of a protocol entry.
    let protocols: Vec<&Study> = base()
        .interventions
        .iter()
        .flat_map(|i| &i.studies)
        .filter(|s| s.design == Design::Protocol)
        .collect();
    for i in &base().interventions {
        for s in i.studies.iter().filter(|s| s.design != Design::Protocol) {
            for p in &protocols {
                let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
                assert!(
                    !same(&s.doi, &p.doi) && !same(&s.pmid, &p.pmid),
                    "study {} carries the identifiers of protocol {}",
                    s.id,
                    p.id
                );
            }
        }
    }
    let Some((_, protocol)) = base().study("trevasc-hdk-protocol-2020") else {
        panic!("trevasc-hdk-protocol-2020 missing")
    };
    assert_eq!(protocol.pmid.as_deref(), Some("32899022"));
    assert_eq!(protocol.direction, Direction::Unknown);
}

#[test]
fn design_labels_of_the_issue_10_audit() {
    // The etidronate 2006 haemodialysis trial randomised 21 patients; Adirekkiat 2010 did not
    // randomise; DCOR and RIND 2005 are in the binder evidence.
    let design = |id: &str| match base().study(id) {
        Some((_, s)) => s.design,
        None => panic!("study {id} missing"),
    };
    assert_eq!(design("etidronate-hd-2006"), Design::Rct);
    assert_eq!(design("adirekkiat-2010"), Design::NonRandomisedControlled);
    assert!(!Design::NonRandomisedControlled.randomised());
    for id in ["suki-2007-dcor", "block-2005"] {
        let Some((iv, s)) = base().study(id) else {
            panic!("{id} missing")
        };
        assert_eq!(iv.id, "phosphate_binders");
        assert!(s.doi.is_some(), "{id}");
    }
    let Some((_, dcor)) = base().study("suki-2007-dcor") else {
        panic!()
    };
    assert_eq!((dcor.n, dcor.direction), (Some(2103), Direction::Null));
}

#[test]
fn doi_shape() {
    assert!(doi_well_formed("10.1161/CIRCULATIONAHA.121.057008"));
    assert!(doi_well_formed("10.1016/S0140-6736(13)60897-1"));
    assert!(!doi_well_formed("10.116/x"));
    assert!(!doi_well_formed("doi:10.1161/x"));
    assert!(!doi_well_formed("10.1161/"));
    assert!(!doi_well_formed("10.1161/has space"));
    assert!(pmid_well_formed("35465686"));
    assert!(!pmid_well_formed("PMID35465686"));
    assert!(!pmid_well_formed(""));
}
