//! `vascalc profile create|update|show|list`.

use jiff::civil::Date;
use serde::Serialize;
use vascalc_store::{Alcohol, Lab, Medication, Person, PersonId, Scan, Smoking, Store, Vitals};

use super::{DbArg, PersonArg, dates, fmt_num, invalid, store_error, validate};
use crate::exit::CliResult;
use crate::output::{Format, print_json};

#[derive(Debug, clap::Args)]
pub struct ProfileArgs {
    #[command(subcommand)]
    command: ProfileCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ProfileCommand {
    /// Add a person to the record.
    Create(CreateArgs),
    /// Change a person's profile; smoking and alcohol are recorded as of today (or --date).
    Update(UpdateArgs),
    /// Show a person's profile and latest values.
    Show(ShowArgs),
    /// List the people in the database.
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
struct Fields {
    /// Birth date, YYYY-MM-DD.
    #[arg(long)]
    birth_date: Option<String>,
    /// female or male (the sex the risk equations use).
    #[arg(long)]
    sex: Option<String>,
    /// white, black, chinese, hispanic or other (as the risk equations need it).
    #[arg(long)]
    race: Option<String>,
    /// Height in centimetres.
    #[arg(long, conflicts_with = "height_in")]
    height_cm: Option<f64>,
    /// Height in inches (stored in cm).
    #[arg(long)]
    height_in: Option<f64>,
    /// Diagnosed diabetes.
    #[arg(long)]
    diabetes: Option<bool>,
    /// Heart attack in a parent or sibling.
    #[arg(long)]
    family_history_mi: Option<bool>,
    /// Established atherosclerotic cardiovascular disease (heart attack, stroke,
    /// revascularisation).
    #[arg(long)]
    ascvd: Option<bool>,
    /// On maintenance dialysis.
    #[arg(long)]
    dialysis: Option<bool>,
    /// Calciphylaxis diagnosed.
    #[arg(long)]
    calciphylaxis: Option<bool>,
    /// Under specialist (nephrology/wound) care for calciphylaxis.
    #[arg(long)]
    calciphylaxis_specialist_care: Option<bool>,
    /// Smoking status: never, former or current.
    #[arg(long)]
    smoking: Option<String>,
    /// Pack-years smoked (with --smoking).
    #[arg(long, requires = "smoking")]
    pack_years: Option<f64>,
    /// Date a former smoker quit (with --smoking former).
    #[arg(long, requires = "smoking")]
    quit_date: Option<String>,
    /// Alcoholic drinks per week.
    #[arg(long)]
    drinks_per_week: Option<f64>,
    /// The date smoking and alcohol are recorded as of [default: today].
    #[arg(long)]
    date: Option<String>,
}

#[derive(Debug, clap::Args)]
struct CreateArgs {
    /// The person's name; it selects them with --person.
    #[arg(long)]
    name: String,
    #[command(flatten)]
    fields: Fields,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct UpdateArgs {
    /// A new name.
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    fields: Fields,
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct ShowArgs {
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: ProfileArgs) -> CliResult {
    match args.command {
        ProfileCommand::Create(args) => create(args),
        ProfileCommand::Update(args) => update(args),
        ProfileCommand::Show(args) => show(args),
        ProfileCommand::List(args) => list(args),
    }
}

/// What the flags add: the new profile plus dated smoking/alcohol entries.
struct Changes {
    smoking: Option<Smoking>,
    alcohol: Option<Alcohol>,
}

fn apply(fields: &Fields, person: &mut Person, today: Date) -> CliResult<Changes> {
    if let Some(b) = &fields.birth_date {
        person.birth_date = Some(dates::arg(b, "--birth-date", today)?);
    }
    if let Some(s) = &fields.sex {
        person.sex = Some(s.to_lowercase());
    }
    if let Some(r) = &fields.race {
        person.race = Some(r.to_lowercase());
    }
    if let Some(h) = fields.height_cm {
        person.height_cm = Some(h);
    }
    if let Some(h) = fields.height_in {
        person.height_cm = Some(h * 2.54);
    }
    if let Some(d) = fields.diabetes {
        person.diabetes = Some(d);
    }
    for (value, field) in [
        (fields.family_history_mi, &mut person.family_history_mi),
        (fields.ascvd, &mut person.ascvd),
        (fields.dialysis, &mut person.dialysis),
        (fields.calciphylaxis, &mut person.calciphylaxis),
        (
            fields.calciphylaxis_specialist_care,
            &mut person.calciphylaxis_specialist_care,
        ),
    ] {
        if value.is_some() {
            *field = value;
        }
    }
    validate::person(person, today).map_err(invalid)?;
    let as_of = dates::opt_arg(fields.date.as_deref(), "--date", today)?.unwrap_or(today);
    let smoking = match &fields.smoking {
        None => None,
        Some(status) => {
            let s = Smoking {
                date: as_of,
                status: status.to_lowercase(),
                pack_years: fields.pack_years,
                quit_date: dates::opt_arg(fields.quit_date.as_deref(), "--quit-date", today)?,
            };
            validate::smoking(&s, today).map_err(invalid)?;
            Some(s)
        }
    };
    let alcohol = match fields.drinks_per_week {
        None => None,
        Some(d) => {
            let a = Alcohol {
                date: as_of,
                drinks_per_week: d,
            };
            validate::alcohol(&a, today).map_err(invalid)?;
            Some(a)
        }
    };
    Ok(Changes { smoking, alcohol })
}

fn save_changes(store: &mut Store, id: PersonId, changes: &Changes) -> CliResult {
    if let Some(s) = &changes.smoking {
        store.add_smoking(id, s).map_err(store_error)?;
    }
    if let Some(a) = &changes.alcohol {
        store.add_alcohol(id, a).map_err(store_error)?;
    }
    Ok(())
}

fn create(args: CreateArgs) -> CliResult {
    let today = dates::today();
    let mut person = Person::named(args.name);
    let changes = apply(&args.fields, &mut person, today)?;
    let mut store = args.db.create()?;
    let id = store.add_person(&person).map_err(store_error)?;
    save_changes(&mut store, id, &changes)?;
    print_summary(&store, id, person, args.format)
}

fn update(args: UpdateArgs) -> CliResult {
    let today = dates::today();
    let mut store = args.db.open()?;
    let (id, mut person) = args.person.select(&store)?;
    if let Some(name) = args.name {
        person.name = name;
    }
    let changes = apply(&args.fields, &mut person, today)?;
    store.update_person(id, &person).map_err(store_error)?;
    save_changes(&mut store, id, &changes)?;
    print_summary(&store, id, person, args.format)
}

fn show(args: ShowArgs) -> CliResult {
    let store = args.db.open_read()?;
    let (id, person) = args.person.select(&store)?;
    print_summary(&store, id, person, args.format)
}

fn list(args: ListArgs) -> CliResult {
    let store = args.db.open_read()?;
    let people: Vec<Person> = store
        .people()
        .map_err(store_error)?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    match args.format {
        Format::Json => print_json(&people)?,
        _ => {
            for p in &people {
                crate::outln!("{}", p.name)?;
            }
        }
    }
    Ok(())
}

/// The profile with the latest value of everything that changes.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub person: Person,
    /// The clinical profile vocabulary (`vascalc assess --profile` reads it), when the record
    /// has a birth date and sex.
    pub profile: Option<vascalc_clinical::Profile>,
    /// Why `profile` is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_unavailable: Option<String>,
    pub age_years: Option<i16>,
    pub smoking: Option<Smoking>,
    pub alcohol: Option<Alcohol>,
    pub latest_vitals: Option<Vitals>,
    pub latest_labs: Vec<Lab>,
    pub current_medications: Vec<Medication>,
    pub scans: Vec<Scan>,
}

/// Whole years between `birth` and `on`.
/// Who vascalc's targets are for: adults.
pub const ADULT_AGE: i16 = 18;

/// What the record says about a person under 18 (None for an adult).
pub fn minor_note(age: i16) -> Option<String> {
    (age < ADULT_AGE).then(|| {
        format!(
            "under {ADULT_AGE} (age {age}): vascalc's targets, risk equations and plan are for \
             adults and do not apply"
        )
    })
}

pub fn age_on(birth: Date, on: Date) -> i16 {
    let years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years - 1
    } else {
        years
    }
}

pub fn summary(store: &Store, id: PersonId, person: Person, today: Date) -> CliResult<Summary> {
    let record = super::context::load(store, id, person, None)?;
    let (profile, profile_unavailable) = match super::context::clinical_profile(&record, today) {
        Ok(p) => (Some(p), None),
        Err(why) => (None, Some(why)),
    };
    // The latest result of each analyte, in catalogue order.
    let mut latest_labs: Vec<Lab> = Vec::new();
    for lab in record.labs.iter().rev() {
        if !latest_labs.iter().any(|l| l.analyte == lab.analyte) {
            latest_labs.push(lab.clone());
        }
    }
    latest_labs.sort_by_key(|l| {
        super::labs::ANALYTES
            .iter()
            .position(|a| a.id == l.analyte)
            .unwrap_or(usize::MAX)
    });
    Ok(Summary {
        profile,
        profile_unavailable,
        age_years: record.person.birth_date.map(|b| age_on(b, today)),
        smoking: record.smoking.last().cloned(),
        alcohol: record.alcohol.last().cloned(),
        latest_vitals: latest_vitals(&record.vitals),
        latest_labs,
        current_medications: record
            .medications
            .iter()
            .filter(|m| m.active_on(today))
            .cloned()
            .collect(),
        scans: record.scans,
        person: record.person,
    })
}

/// The latest value of each vital sign, dated by the latest entry that has any.
fn latest_vitals(all: &[Vitals]) -> Option<Vitals> {
    let last = all.last()?;
    let latest = |f: fn(&Vitals) -> Option<f64>| all.iter().rev().find_map(f);
    Some(Vitals {
        date: last.date,
        systolic_mm_hg: latest(|v| v.systolic_mm_hg),
        diastolic_mm_hg: latest(|v| v.diastolic_mm_hg),
        weight_kg: latest(|v| v.weight_kg),
        waist_cm: latest(|v| v.waist_cm),
    })
}

fn print_summary(store: &Store, id: PersonId, person: Person, format: Format) -> CliResult {
    let s = summary(store, id, person, dates::today())?;
    if format == Format::Json {
        print_json(&s)?;
        return Ok(());
    }
    let p = &s.person;
    crate::outln!("{}", p.name)?;
    let opt = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    crate::outln!(
        "  born {} (age {}), {}, {}, height {}",
        opt(p.birth_date.map(|d| d.to_string())),
        opt(s.age_years.map(|a| a.to_string())),
        opt(p.sex.clone()),
        opt(p.race.clone()),
        opt(p.height_cm.map(|h| format!("{} cm", fmt_num(h))))
    )?;
    if let Some(note) = s.age_years.and_then(minor_note) {
        crate::outln!("  {note}")?;
    }
    crate::outln!(
        "  diabetes {}, family history of MI {}",
        opt(p.diabetes.map(|d| if d { "yes" } else { "no" }.to_owned())),
        opt(p
            .family_history_mi
            .map(|d| if d { "yes" } else { "no" }.to_owned()))
    )?;
    if let Some(sm) = &s.smoking {
        crate::outln!(
            "  smoking: {}{}{} (as of {})",
            sm.status,
            sm.pack_years
                .map(|p| format!(", {} pack-years", fmt_num(p)))
                .unwrap_or_default(),
            sm.quit_date
                .map(|q| format!(", quit {q}"))
                .unwrap_or_default(),
            sm.date
        )?;
    }
    if let Some(a) = &s.alcohol {
        crate::outln!(
            "  alcohol: {} drinks/week (as of {})",
            fmt_num(a.drinks_per_week),
            a.date
        )?;
    }
    if let Some(v) = &s.latest_vitals {
        let mut parts = Vec::new();
        if let (Some(sys), Some(dia)) = (v.systolic_mm_hg, v.diastolic_mm_hg) {
            parts.push(format!("BP {}/{} mmHg", fmt_num(sys), fmt_num(dia)));
        }
        if let Some(w) = v.weight_kg {
            parts.push(format!("weight {} kg", fmt_num(w)));
            if let Some(h) = p.height_cm {
                parts.push(format!("BMI {}", fmt_num(w / (h / 100.0).powi(2))));
            }
        }
        if let Some(w) = v.waist_cm {
            parts.push(format!("waist {} cm", fmt_num(w)));
        }
        crate::outln!("  latest vitals: {}", parts.join(", "))?;
    }
    if !s.latest_labs.is_empty() {
        crate::outln!("  latest labs:")?;
        for l in &s.latest_labs {
            crate::outln!(
                "    {:<16} {:>8} {:<14} {}",
                l.analyte,
                fmt_num(l.value),
                l.unit,
                l.date
            )?;
        }
    }
    if !s.current_medications.is_empty() {
        crate::outln!("  taking:")?;
        for m in &s.current_medications {
            let dose = match (m.dose, &m.unit) {
                (Some(d), Some(u)) => format!(" {} {u}", fmt_num(d)),
                _ => String::new(),
            };
            crate::outln!("    {}{dose} ({}) since {}", m.name, m.kind, m.start)?;
        }
    }
    if !s.scans.is_empty() {
        crate::outln!("  scans:")?;
        for sc in &s.scans {
            crate::outln!(
                "    {}  Agatston {}{}",
                sc.date,
                fmt_num(sc.agatston),
                sc.volume_mm3
                    .map(|v| format!(", volume {} mm³", fmt_num(v)))
                    .unwrap_or_default()
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(date(1960, 6, 15), date(2020, 6, 14)), 59);
        assert_eq!(age_on(date(1960, 6, 15), date(2020, 6, 15)), 60);
        assert_eq!(age_on(date(2000, 2, 29), date(2021, 2, 28)), 20);
    }
}
