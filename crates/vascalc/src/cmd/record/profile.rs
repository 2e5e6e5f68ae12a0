//! `vascalc profile create|update|show|list`.

use jiff::civil::Date;
use vascalc_app::people::{self, minor_note};
use vascalc_app::{App, PersonInput, SmokingInput, Summary};
use vascalc_store::{BodyMeasure, Person, Units};

use super::{DbArg, PersonArg, dates, fmt_body, fmt_num};
use crate::exit::CliResult;
use crate::output::{Format, print_json};

#[derive(Debug, clap::Args)]
pub(crate) struct ProfileArgs {
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
    /// The units values are shown in: si (mmol/L, µmol/L, …) or us (mg/dL, …; the units the
    /// record stores). Stored with the person; JSON output and exports keep the stored units.
    #[arg(long, value_name = "si|us")]
    units: Option<String>,
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

pub(super) fn run(args: ProfileArgs) -> CliResult {
    match args.command {
        ProfileCommand::Create(args) => create(args),
        ProfileCommand::Update(args) => update(args),
        ProfileCommand::Show(args) => show(args),
        ProfileCommand::List(args) => list(args),
    }
}

/// The flags as the use cases' input: dates read and checked here, with the options' names in
/// the messages; inches converted to centimetres.
fn input(fields: &Fields, name: Option<String>, today: Date) -> CliResult<PersonInput> {
    let birth_date = dates::opt_arg(fields.birth_date.as_deref(), "--birth-date", today)?;
    let as_of = dates::opt_arg(fields.date.as_deref(), "--date", today)?;
    let smoking = match &fields.smoking {
        None => None,
        Some(status) => Some(SmokingInput {
            status: status.clone(),
            pack_years: fields.pack_years,
            quit_date: dates::opt_arg(fields.quit_date.as_deref(), "--quit-date", today)?,
        }),
    };
    Ok(PersonInput {
        name,
        birth_date,
        sex: fields.sex.clone(),
        race: fields.race.clone(),
        height_cm: fields.height_cm,
        height_in: fields.height_in,
        diabetes: fields.diabetes,
        family_history_mi: fields.family_history_mi,
        ascvd: fields.ascvd,
        dialysis: fields.dialysis,
        calciphylaxis: fields.calciphylaxis,
        calciphylaxis_specialist_care: fields.calciphylaxis_specialist_care,
        smoking,
        drinks_per_week: fields.drinks_per_week,
        units: fields.units.clone(),
        as_of,
    })
}

/// A refused field with the option that gave it (`as_of` is `--date` here).
fn profile_flags(err: vascalc_app::AppError) -> crate::exit::CliError {
    super::flagged(
        err,
        &[
            ("date", "--date"),
            ("as_of", "--date"),
            ("birth_date", "--birth-date"),
            ("quit_date", "--quit-date"),
        ],
    )
}

fn create(args: CreateArgs) -> CliResult {
    let today = dates::today();
    let input = input(&args.fields, Some(args.name), today)?;
    // Checked before the database is created: a refused profile creates no file.
    people::apply(&input, Person::named(""), today).map_err(profile_flags)?;
    let mut app = App::at(args.db.create()?, today);
    let summary = app.create_person(&input).map_err(profile_flags)?;
    print_summary(summary, args.format)
}

fn update(args: UpdateArgs) -> CliResult {
    let today = dates::today();
    let input = input(&args.fields, args.name, today)?;
    let mut app = App::at(args.db.open()?, today);
    let summary = app
        .update_person(args.person.person.as_deref(), &input)
        .map_err(profile_flags)?;
    print_summary(summary, args.format)
}

fn show(args: ShowArgs) -> CliResult {
    let app = args.db.app_read()?;
    let summary = app.summary(args.person.person.as_deref())?;
    print_summary(summary, args.format)
}

fn list(args: ListArgs) -> CliResult {
    let app = args.db.app_read()?;
    let people = app.people()?;
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

fn print_summary(s: Summary, format: Format) -> CliResult {
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
        opt(p.sex.map(|s| s.to_string())),
        opt(p.race.map(|r| r.to_string())),
        opt(p
            .height_cm
            .map(|h| fmt_body(BodyMeasure::Height, h, p.units)))
    )?;
    if let Some(units) = p.units {
        crate::outln!(
            "  values shown in {} units",
            match units {
                Units::Si => "SI",
                Units::Us => "US conventional",
            }
        )?;
    }
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
            parts.push(format!(
                "weight {}",
                fmt_body(BodyMeasure::Weight, w, p.units)
            ));
            if let Some(h) = p.height_cm {
                parts.push(format!("BMI {}", fmt_num(vascalc_domain::units::bmi(w, h))));
            }
        }
        if let Some(w) = v.waist_cm {
            parts.push(format!(
                "waist {}",
                fmt_body(BodyMeasure::Waist, w, p.units)
            ));
        }
        crate::outln!("  latest vitals: {}", parts.join(", "))?;
    }
    if !s.latest_labs.is_empty() {
        crate::outln!("  latest labs:")?;
        let rows: Vec<(&str, String, &str, Date)> = s
            .latest_labs
            .iter()
            .map(|l| {
                let (value, unit) = vascalc_app::labs::shown(l, p.units);
                (l.analyte.as_str(), fmt_num(value), unit, l.date)
            })
            .collect();
        // Columns as wide as their widest cell, whatever the units (`total_cholesterol`,
        // `mL/min/1.73m²`).
        let names = super::width(rows.iter().map(|r| r.0));
        let values = super::width(rows.iter().map(|r| r.1.as_str()));
        let units = super::width(rows.iter().map(|r| r.2));
        for (name, value, unit, date) in &rows {
            crate::outln!("    {name:<names$}  {value:>values$} {unit:<units$}  {date}")?;
        }
    }
    if !s.current_medications.is_empty() {
        crate::outln!("  taking:")?;
        for m in &s.current_medications {
            let dose = match (m.dose, &m.unit) {
                (Some(d), Some(u)) => {
                    // A mass or IU is printed one way ("µg", never "ug"); tablets as typed.
                    let u = match vascalc_program::DoseUnit::parse(u) {
                        Some(vascalc_program::DoseUnit::Unit) | None => u.as_str(),
                        Some(k) => k.symbol(),
                    };
                    format!(" {} {u}", fmt_num(d))
                }
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
