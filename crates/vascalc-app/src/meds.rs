//! Medications and supplements: courses (`log med NAME --dose … --unit …`), single doses taken
//! (`--taken`), ending a course (`--stop`) and the class a name is recorded under.
//!
//! The class comes from vascalc-program's medicine vocabulary when it knows the name (generic or
//! brand): a different class given is refused, so that the plan's safety rules apply. A name it
//! does not know is `unknown` until the person gives a class, which then reclassifies the
//! entries already recorded as `unknown`. A dose outside the range the medicine (or its class)
//! is sold in is refused unless confirmed.

use jiff::civil::Date;
use serde::Serialize;
use vascalc_program::{Dose, DoseUnit, MedKind, medicines};
use vascalc_record::{Entry, MedDose, Medication, Person, RecordStore};

use crate::App;
use crate::error::{AppError, AppResult};
use crate::validate;

/// A course to start.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseInput {
    pub name: String,
    /// The class the person gives (any case), if any.
    pub kind: Option<String>,
    /// Daily dose, in `unit`.
    pub dose: Option<f64>,
    pub unit: Option<String>,
    pub start: Date,
    pub end: Option<Date>,
    /// Record a dose outside the range the medicine is sold in.
    pub confirm: bool,
}

/// A dose taken on a day.
#[derive(Debug, Clone, PartialEq)]
pub struct DoseInput {
    pub name: String,
    pub kind: Option<String>,
    /// The amount taken; absent: the dose of the person's course of the same name that covers
    /// `date`.
    pub dose: Option<(f64, String)>,
    pub date: Date,
    pub confirm: bool,
}

/// Entries of a name recorded as `unknown` given a class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reclassified {
    pub name: String,
    pub kind: String,
    pub courses: usize,
    pub doses: usize,
}

/// What a person should be told beside a logged course or dose.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MedNotes {
    /// The name is not in the vocabulary and no class was given: recorded as `unknown`.
    pub unknown: bool,
    /// An implausible dose recorded because the person confirmed it: why it is implausible.
    pub confirmed_implausible: Option<String>,
    /// For a magnesium or calcium salt given in mg or g: what the salt's weight would give.
    pub salt: Option<SaltNote>,
}

/// A magnesium or calcium salt's dose counted as the element, and what the weight of the salt
/// itself would give (elemental fraction from the vocabulary, from the molar masses).
#[derive(Debug, Clone, PartialEq)]
pub struct SaltNote {
    /// `calcium` or `magnesium`.
    pub element: &'static str,
    /// The salt (`magnesium citrate`).
    pub ingredient: String,
    pub dose: f64,
    /// `mg` or `g`.
    pub unit: &'static str,
    /// `dose` × the elemental fraction.
    pub elemental: f64,
    /// Mass fraction of the element in the salt.
    pub fraction: f64,
}

/// A course logged (or only a class given to entries already recorded).
#[derive(Debug, Clone, PartialEq)]
pub struct CourseLogged {
    pub person: Person,
    pub reclassified: Option<Reclassified>,
    /// The course added; `None` when only a class was given for entries already recorded.
    pub course: Option<Medication>,
    pub notes: MedNotes,
}

/// A dose logged.
#[derive(Debug, Clone, PartialEq)]
pub struct DoseLogged {
    pub person: Person,
    pub dose: MedDose,
    pub notes: MedNotes,
}

/// The class to record `name` under: the vocabulary's when it knows the name (a different
/// `given` class is refused), else `given`, else `unknown`.
pub fn resolve_kind(name: &str, given: Option<&str>) -> AppResult<MedKind> {
    let given = match given {
        None => None,
        Some(k) => Some(MedKind::parse(k).ok_or_else(|| {
            AppError::invalid(
                "kind",
                k,
                format!(
                    "--kind {k:?} is not one of {}",
                    vascalc_program::rules::kind_choices()
                ),
            )
        })?),
    };
    match (medicines::lookup(name), given) {
        (Some(m), Some(k)) if k != m.class => Err(AppError::invalid(
            "kind",
            k.as_str(),
            format!(
                "{name:?} is {} ({}); --kind {} disagrees. Leave out --kind: vascalc records it \
                 as {} so that its safety rules apply. (Source of the name: {}.)",
                m.ingredient,
                m.class.as_str(),
                k.as_str(),
                m.class.as_str(),
                m.source
            ),
        )),
        (Some(m), _) => Ok(m.class),
        (None, Some(k)) => Ok(k),
        (None, None) => Ok(MedKind::Unknown),
    }
}

/// `µg`, `mcg` and `ug` are one unit; tablets and capsules are `unit`.
pub fn normalise_unit(unit: &str) -> String {
    match unit.trim().to_lowercase().as_str() {
        "µg" | "μg" | "mcg" | "ug" => "ug".to_owned(),
        "tablet" | "tablets" | "capsule" | "capsules" | "units" | "dose" => "unit".to_owned(),
        u => u.to_owned(),
    }
}

/// Refuses a dose outside the range the medicine (or its class) is sold in unless `confirm`;
/// confirmed, returns why it is implausible.
pub fn check_plausible(
    name: &str,
    kind: &str,
    dose: f64,
    unit: &str,
    confirm: bool,
) -> AppResult<Option<String>> {
    let (Some(kind), Some(unit)) = (MedKind::parse(kind), DoseUnit::parse(unit)) else {
        // Unknown units are refused by validate with the list of units.
        return Ok(None);
    };
    match medicines::check_dose(kind, name, &Dose { amount: dose, unit }) {
        Ok(()) => Ok(None),
        Err(e) if confirm => Ok(Some(e.to_string())),
        Err(e) => Err(AppError::Unconfirmed {
            field: "dose".to_owned(),
            value: dose.to_string(),
            why: e.to_string(),
        }),
    }
}

/// For a magnesium or calcium salt given in mg or g: the element's share.
pub fn salt_note(name: &str, dose: f64, unit: &str) -> Option<SaltNote> {
    let m = medicines::lookup(name)?;
    let (Some(fraction), Some(u)) = (m.elemental_fraction, DoseUnit::parse(unit)) else {
        return None;
    };
    if !matches!(u, DoseUnit::Mg | DoseUnit::G) {
        return None;
    }
    Some(SaltNote {
        element: if m.contains(medicines::Element::Calcium) {
            "calcium"
        } else {
            "magnesium"
        },
        ingredient: m.ingredient.clone(),
        dose,
        unit: medicines::unit_text(u),
        elemental: dose * fraction,
        fraction,
    })
}

/// A course or dose entry as a front end gives it whole (`POST /api/entries`, an edit), put
/// through the rules `log med` applies: the class the vocabulary gives the name (a different
/// class is refused; `unknown` or an empty class means "not given"), the unit's one spelling
/// (`mcg` → `ug`), and a dose inside the range the medicine is sold in (an implausible dose is
/// refused under `dose` as [`AppError::Unconfirmed`]; [`checked_med_entry_confirmed`] takes the
/// confirmation). Other entries as they are.
pub fn checked_med_entry(entry: &Entry) -> AppResult<Entry> {
    checked_med_entry_confirmed(entry, false).map(|(entry, _)| entry)
}

/// [`checked_med_entry`] with `log med`'s `--confirm`: a dose outside the range the medicine is
/// sold in is kept when `confirm`, and the second value says why it is implausible. The class
/// rule is never confirmed away.
pub fn checked_med_entry_confirmed(
    entry: &Entry,
    confirm: bool,
) -> AppResult<(Entry, Option<String>)> {
    let given = |kind: &str| {
        let k = kind.trim();
        (!k.is_empty() && !k.eq_ignore_ascii_case(MedKind::Unknown.as_str())).then(|| k.to_owned())
    };
    let mut implausible = None;
    let checked = match entry {
        Entry::Medication(m) => {
            let kind = resolve_kind(&m.name, given(&m.kind).as_deref())?;
            let course = Medication {
                name: m.name.trim().to_owned(),
                kind: kind.as_str().to_owned(),
                unit: m.unit.as_deref().map(normalise_unit),
                ..m.clone()
            };
            if let (Some(d), Some(u)) = (course.dose, course.unit.as_deref()) {
                implausible = check_plausible(&course.name, &course.kind, d, u, confirm)?;
            }
            Entry::Medication(course)
        }
        Entry::Dose(d) => {
            let kind = resolve_kind(&d.name, given(&d.kind).as_deref())?;
            let dose = MedDose {
                name: d.name.trim().to_owned(),
                kind: kind.as_str().to_owned(),
                unit: normalise_unit(&d.unit),
                ..d.clone()
            };
            implausible = check_plausible(&dose.name, &dose.kind, dose.dose, &dose.unit, confirm)?;
            Entry::Dose(dose)
        }
        other => other.clone(),
    };
    Ok((checked, implausible))
}

impl<S: RecordStore> App<S> {
    /// Starts a course of `input.name` for `who`, checked whole first. A class given for a
    /// name recorded as `unknown` reclassifies its entries; when `only_class` (no dose, start
    /// or end was given) and there were such entries, that is all that happens.
    pub fn log_course(
        &mut self,
        who: Option<&str>,
        input: &CourseInput,
        only_class: bool,
    ) -> AppResult<CourseLogged> {
        let today = self.today();
        let kind = resolve_kind(&input.name, input.kind.as_deref())?;
        let course = Medication {
            name: input.name.trim().to_owned(),
            kind: kind.as_str().to_owned(),
            dose: input.dose,
            unit: input.unit.as_deref().map(normalise_unit),
            start: input.start,
            end: input.end,
        };
        validate::medication(&course, today)?;
        let mut notes = MedNotes {
            unknown: kind == MedKind::Unknown,
            ..MedNotes::default()
        };
        if let (Some(d), Some(u)) = (course.dose, course.unit.as_deref()) {
            notes.confirmed_implausible =
                check_plausible(&course.name, &course.kind, d, u, input.confirm)?;
            notes.salt = salt_note(&course.name, d, u);
        }
        let (id, person) = self.person(who)?;
        let mut reclassified = None;
        if input.kind.is_some() && kind != MedKind::Unknown {
            let (courses, doses) = self.store_mut().reclassify_medication(
                id,
                &course.name,
                MedKind::Unknown.as_str(),
                kind.as_str(),
            )?;
            if courses + doses > 0 {
                reclassified = Some(Reclassified {
                    name: course.name.clone(),
                    kind: kind.as_str().to_owned(),
                    courses,
                    doses,
                });
                if only_class {
                    return Ok(CourseLogged {
                        person,
                        reclassified,
                        course: None,
                        notes: MedNotes::default(),
                    });
                }
            }
        }
        // Checked above (a confirmed implausible dose included): stored as it is.
        let (person, _) = self.insert_entry(who, &Entry::Medication(course.clone()))?;
        Ok(CourseLogged {
            person,
            reclassified,
            course: Some(course),
            notes,
        })
    }

    /// Ends `who`'s open course(s) of `name` on `date`; returns the person and how many ended
    /// (not found when none was open).
    pub fn stop_course(
        &mut self,
        who: Option<&str>,
        name: &str,
        date: Date,
    ) -> AppResult<(Person, usize)> {
        crate::dates::check("date", date, self.today()).map_err(|e| e.prefixed("date"))?;
        let (id, person) = self.person(who)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(AppError::invalid(
                "name",
                name,
                "name the medicine or supplement whose course to stop",
            ));
        }
        // The open courses are found as the safety rules group names (`medicines::same_name`:
        // `mk-7` stops `MK-7`); the store ends each spelling found as it is stored.
        let mut stored: Vec<String> = Vec::new();
        for m in self.store().medications(id)? {
            if m.end.is_none()
                && m.start <= date
                && medicines::same_name(&m.name, name)
                && !stored.contains(&m.name)
            {
                stored.push(m.name);
            }
        }
        let mut n = 0;
        for spelling in &stored {
            n += self.store_mut().end_medication(id, spelling, date)?;
        }
        if n == 0 {
            return Err(AppError::NotFound(format!(
                "{} has no open course of {name:?} started on or before {date}",
                person.name
            )));
        }
        Ok((person, n))
    }

    /// Logs one dose taken. The class and, when no amount is given, the amount come from the
    /// person's course of the same name (the one covering the date, else the latest); a dose
    /// needs no course.
    pub fn log_dose(&mut self, who: Option<&str>, input: &DoseInput) -> AppResult<DoseLogged> {
        let today = self.today();
        let name = input.name.trim().to_owned();
        let date = input.date;
        let (id, person) = self.person(who)?;
        let courses = self.store().medications(id)?;
        let course = courses
            .iter()
            .filter(|m| medicines::same_name(&m.name, &name))
            .max_by_key(|m| (m.active_on(date), m.start));
        let kind = match (&input.kind, course) {
            (None, Some(c)) if medicines::lookup(&name).is_none() => c.kind.clone(),
            (given, _) => resolve_kind(&name, given.as_deref())?.as_str().to_owned(),
        };
        let (dose, unit) = match &input.dose {
            Some((d, u)) => (*d, normalise_unit(u)),
            None => course
                .filter(|c| c.active_on(date))
                .and_then(|c| Some((c.dose?, c.unit.clone()?)))
                .ok_or_else(|| {
                    AppError::invalid(
                        "dose",
                        "",
                        format!(
                            "give the dose taken with --dose X --unit U ({} has no course of \
                             {name:?} with a dose on {date} to take it from)",
                            person.name
                        ),
                    )
                })?,
        };
        let entry = MedDose {
            date,
            name,
            kind,
            dose,
            unit,
        };
        validate::dose(&entry, today)?;
        crate::entries::check_entry_date("date", date, &person, today)?;
        let confirmed_implausible = check_plausible(
            &entry.name,
            &entry.kind,
            entry.dose,
            &entry.unit,
            input.confirm,
        )?;
        if input.kind.is_some() && entry.kind != MedKind::Unknown.as_str() {
            self.store_mut().reclassify_medication(
                id,
                &entry.name,
                MedKind::Unknown.as_str(),
                &entry.kind,
            )?;
        }
        self.store_mut()
            .add_entry(id, &Entry::Dose(entry.clone()))?;
        let notes = MedNotes {
            unknown: entry.kind == MedKind::Unknown.as_str(),
            confirmed_implausible,
            salt: salt_note(&entry.name, entry.dose, &entry.unit),
        };
        Ok(DoseLogged {
            person,
            dose: entry,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::BodyUnits;
    use jiff::civil::date;
    use vascalc_store::Store;

    const TODAY: Date = date(2026, 12, 7);

    fn app() -> App<Store> {
        let mut app = App::at(Store::open_in_memory().unwrap(), TODAY);
        app.store_mut().add_person(&Person::named("Ann")).unwrap();
        app
    }

    fn course(name: &str, kind: Option<&str>, dose: Option<(f64, &str)>) -> CourseInput {
        CourseInput {
            name: name.into(),
            kind: kind.map(str::to_owned),
            dose: dose.map(|d| d.0),
            unit: dose.map(|d| d.1.to_owned()),
            start: date(2026, 1, 1),
            end: None,
            confirm: false,
        }
    }

    #[test]
    fn the_vocabulary_decides_the_class_and_refuses_a_different_one() {
        // Lipitor is atorvastatin, a statin (vascalc-program's vocabulary/medicines.toml).
        assert_eq!(resolve_kind("Lipitor", None).unwrap(), MedKind::Statin);
        let e = resolve_kind("Lipitor", Some("ppi")).unwrap_err();
        assert_eq!(e.field(), Some("kind"));
        assert!(e.to_string().contains("disagrees"), "{e}");
        assert_eq!(resolve_kind("zzq", None).unwrap(), MedKind::Unknown);
        assert!(resolve_kind("zzq", Some("no-such-class")).is_err());
    }

    #[test]
    fn an_unknown_name_is_reclassified_when_its_class_is_given() {
        let mut app = app();
        let logged = app
            .log_course(None, &course("Zzq", None, Some((1.0, "unit"))), false)
            .unwrap();
        assert!(logged.notes.unknown);
        assert_eq!(logged.course.unwrap().kind, "unknown");
        let logged = app
            .log_course(None, &course("zzq", Some("ppi"), None), true)
            .unwrap();
        assert_eq!(
            logged.reclassified,
            Some(Reclassified {
                name: "zzq".into(),
                kind: "ppi".into(),
                courses: 1,
                doses: 0
            })
        );
        assert!(logged.course.is_none());
        let (id, _) = app.person(None).unwrap();
        assert_eq!(app.store().medications(id).unwrap()[0].kind, "ppi");
    }

    #[test]
    fn an_implausible_dose_needs_confirmation_and_a_dose_needs_an_amount() {
        let mut app = app();
        // MK-7 in mg instead of µg: 180 mg is far above what it is sold in.
        let e = app
            .log_course(None, &course("MK-7", None, Some((180.0, "mg"))), false)
            .unwrap_err();
        assert!(
            e.needs_confirmation()
                .is_some_and(|why| why.contains("180 mg")),
            "{e}"
        );
        let (id, _) = app.person(None).unwrap();
        assert!(app.store().medications(id).unwrap().is_empty());
        let mut confirmed = course("MK-7", None, Some((180.0, "mg")));
        confirmed.confirm = true;
        let logged = app.log_course(None, &confirmed, false).unwrap();
        assert!(logged.notes.confirmed_implausible.is_some());

        let e = app
            .log_dose(
                None,
                &DoseInput {
                    name: "D3".into(),
                    kind: None,
                    dose: None,
                    date: TODAY,
                    confirm: false,
                },
            )
            .unwrap_err();
        assert!(e.to_string().contains("--dose X --unit U"), "{e}");
        // The course's dose is taken when none is given.
        let dose = app
            .log_dose(
                None,
                &DoseInput {
                    name: "mk-7".into(),
                    kind: None,
                    dose: None,
                    date: TODAY,
                    confirm: true,
                },
            )
            .unwrap();
        assert_eq!((dose.dose.dose, dose.dose.unit.as_str()), (180.0, "mg"));
        assert_eq!(dose.dose.kind, "mk7");
    }

    #[test]
    fn stopping_needs_an_open_course() {
        let mut app = app();
        let e = app.stop_course(None, "MK-7", TODAY).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::NotFound);
        app.log_course(None, &course("MK-7", None, Some((180.0, "ug"))), false)
            .unwrap();
        assert_eq!(app.stop_course(None, "MK-7", TODAY).unwrap().1, 1);
        // No name is not a name nothing matches: it is the field to fill in.
        let e = app.stop_course(None, "  ", TODAY).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (crate::ErrorKind::Invalid, Some("name"))
        );
    }

    #[test]
    fn a_course_is_stopped_by_its_name_in_any_case() {
        let mut app = app();
        app.log_course(None, &course("MK-7", None, Some((180.0, "ug"))), false)
            .unwrap();
        assert_eq!(app.stop_course(None, " mk-7 ", TODAY).unwrap().1, 1);
        let (id, _) = app.person(None).unwrap();
        assert_eq!(app.store().medications(id).unwrap()[0].end, Some(TODAY));
        // Ended: nothing open is left to stop.
        let e = app.stop_course(None, "mk-7", TODAY).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::NotFound);
    }

    #[test]
    fn a_course_or_dose_given_whole_follows_the_rules_of_log_med() {
        let mut app = app();
        let course = |name: &str, kind: &str, dose: f64, unit: &str| {
            Entry::Medication(Medication {
                name: name.into(),
                kind: kind.into(),
                dose: Some(dose),
                unit: Some(unit.into()),
                start: date(2026, 1, 1),
                end: None,
            })
        };
        // Lipitor is a statin (vocabulary): ppi disagrees; 180 mg of MK-7 is implausible.
        for (entry, field) in [
            (course("Lipitor", "ppi", 20.0, "mg"), "kind"),
            (course("MK-7", "mk7", 180.0, "mg"), "dose"),
        ] {
            let e = app.add_entry(None, &entry).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e}");
        }
        let (id, _) = app.person(None).unwrap();
        assert!(app.store().medications(id).unwrap().is_empty());
        // `unknown` is "not given": the vocabulary's class is recorded; mcg is ug.
        let (_, eid) = app
            .add_entry(None, &course(" Lipitor ", "unknown", 20.0, "mg"))
            .unwrap();
        let (_, eid2) = app
            .add_entry(None, &course("MK-7", "", 180.0, "mcg"))
            .unwrap();
        let kept = app.store().medications(id).unwrap();
        assert_eq!(
            (kept[0].name.as_str(), kept[0].kind.as_str()),
            ("Lipitor", "statin")
        );
        assert_eq!(kept[1].unit.as_deref(), Some("ug"));
        // An edit is checked the same way, and a refused one changes nothing.
        let e = app
            .edit_entry(None, eid2, &course("MK-7", "mk7", 180.0, "mg"))
            .unwrap_err();
        assert_eq!(e.field(), Some("dose"));
        assert_eq!(app.store().medications(id).unwrap(), kept);
        let dose = Entry::Dose(MedDose {
            date: TODAY,
            name: "MK-7".into(),
            kind: "statin".into(),
            dose: 180.0,
            unit: "ug".into(),
        });
        assert_eq!(
            app.add_entry(None, &dose).unwrap_err().field(),
            Some("kind")
        );
        let _ = eid;
    }

    #[test]
    fn an_implausible_dose_given_whole_is_kept_only_when_confirmed() {
        let mut app = app();
        let mk7 = |dose: f64, unit: &str| {
            Entry::Medication(Medication {
                name: "MK-7".into(),
                kind: String::new(),
                dose: Some(dose),
                unit: Some(unit.into()),
                start: date(2026, 1, 1),
                end: None,
            })
        };
        // 180 mg of MK-7 (sold in µg): refused as confirmable, kept when confirmed.
        let e = app.add_entry(None, &mk7(180.0, "mg")).unwrap_err();
        assert!(e.needs_confirmation().is_some(), "{e}");
        let (id, _) = app.person(None).unwrap();
        assert!(app.store().medications(id).unwrap().is_empty());
        let (_, eid, why) = app
            .add_entry_confirmed(None, &mk7(180.0, "mg"), BodyUnits::default(), true)
            .unwrap();
        assert!(why.is_some_and(|w| !w.is_empty()));
        // A plausible dose says nothing; an edit is confirmed the same way.
        let (_, _, why) = app
            .add_entry_confirmed(None, &mk7(180.0, "ug"), BodyUnits::default(), true)
            .unwrap();
        assert_eq!(why, None);
        let e = app.edit_entry(None, eid, &mk7(200.0, "mg")).unwrap_err();
        assert!(e.needs_confirmation().is_some(), "{e}");
        let change = app
            .edit_entry_confirmed(None, eid, &mk7(200.0, "mg"), BodyUnits::default(), true)
            .unwrap();
        assert!(matches!(change.after, Entry::Medication(m) if m.dose == Some(200.0)));
        // A negative dose or a class the name does not have is not confirmable.
        let e = app
            .add_entry_confirmed(None, &mk7(-1.0, "ug"), BodyUnits::default(), true)
            .unwrap_err();
        assert_eq!((e.field(), e.needs_confirmation()), (Some("dose"), None));
        let mut statin = mk7(180.0, "ug");
        if let Entry::Medication(m) = &mut statin {
            m.kind = "statin".into();
        }
        let e = app
            .add_entry_confirmed(None, &statin, BodyUnits::default(), true)
            .unwrap_err();
        assert_eq!((e.field(), e.needs_confirmation()), (Some("kind"), None));
    }

    #[test]
    fn a_salt_dose_is_counted_as_the_element() {
        let note = salt_note("magnesium citrate", 1000.0, "mg").unwrap();
        assert_eq!(note.element, "magnesium");
        assert!(note.elemental < 1000.0 && note.elemental > 0.0);
        assert!(salt_note("magnesium citrate", 2.0, "unit").is_none());
    }
}
