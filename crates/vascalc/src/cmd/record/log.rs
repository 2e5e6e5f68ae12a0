//! `vascalc log food|today|define-food|activity|vitals|med` (food and today in [`food_log`]).

use serde::Serialize;
use std::path::PathBuf;

use vascalc_app::EntryUnits;
use vascalc_app::meds::{CourseInput, DoseInput, MedNotes};
use vascalc_store::{Activity, BodyMeasure, Entry, Units, Vitals};

use super::food_log;
use super::{DbArg, PersonArg, dates, flag_date, flagged, fmt_body, fmt_num, invalid};
use crate::exit::CliResult;
use crate::output::{Format, print_json};
use vascalc_app::validate;

#[derive(Debug, clap::Args)]
pub(crate) struct LogArgs {
    #[command(subcommand)]
    command: LogCommand,
}

#[derive(Debug, clap::Subcommand)]
enum LogCommand {
    /// A food eaten, as you would say it (`vascalc log food "2 eggs"`, `"a latte"`, `"200 g
    /// salmon"`) or by id (`vascalc log food ndb:11457 --portion "1 cup"` or `--grams 85`).
    Food(food_log::FoodArgs),
    /// The day's food-log entries with their ids, and the day's nutrient totals.
    Today(food_log::TodayArgs),
    /// Define a food of your own (`{"id","name","per_100g":{…}}`) or a recipe
    /// (`{"id","name","ingredients":[{"food","grams"}]}`) from a JSON file; log it as
    /// `user:<id>` / `recipe:<id>`.
    DefineFood(DefineFoodArgs),
    /// Minutes of exercise: `vascalc log activity endurance 40`.
    Activity(ActivityArgs),
    /// Blood pressure, weight, waist: `vascalc log vitals --bp 128/82 --weight-kg 81`.
    Vitals(VitalsArgs),
    /// A medication or supplement course (`vascalc log med MK-7 --dose 180 --unit ug`), or one
    /// dose taken (`vascalc log med MK-7 --taken [--dose 180 --unit ug] [--date D]`).
    Med(MedArgs),
}

#[derive(Debug, clap::Args)]
struct Common {
    /// The day [default: today].
    #[arg(long)]
    date: Option<String>,
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct DefineFoodArgs {
    /// JSON file with a vascalc-nutrition `UserFood` or `Recipe`.
    file: PathBuf,
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct ActivityArgs {
    /// endurance or strength.
    kind: String,
    /// Minutes.
    #[arg(allow_negative_numbers = true)]
    minutes: f64,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, clap::Args)]
struct VitalsArgs {
    /// Blood pressure as SYSTOLIC/DIASTOLIC in mmHg, e.g. 128/82.
    #[arg(long)]
    bp: Option<String>,
    /// Weight in kilograms.
    #[arg(long, conflicts_with = "weight_lb", allow_negative_numbers = true)]
    weight_kg: Option<f64>,
    /// Weight in pounds (stored in kg).
    #[arg(long, allow_negative_numbers = true)]
    weight_lb: Option<f64>,
    /// Waist circumference in centimetres.
    #[arg(long, conflicts_with = "waist_in", allow_negative_numbers = true)]
    waist_cm: Option<f64>,
    /// Waist circumference in inches (stored in cm).
    #[arg(long, allow_negative_numbers = true)]
    waist_in: Option<f64>,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, clap::Args)]
struct MedArgs {
    /// The medication or supplement (`MK-7`, `atorvastatin`, `magnesium citrate`, …).
    name: String,
    /// Therapy class. A name the medicine vocabulary knows (generic or brand: Coumadin,
    /// Lipitor, MK-7…) decides it, and a different --kind is refused. A name it does not know is
    /// recorded as `unknown` (the plan then says its safety rules could not be checked) until
    /// you give one of: vitamin_k_antagonist, doac, antiplatelet, statin, ezetimibe,
    /// pcsk9_inhibitor, bisphosphonate, denosumab, phosphate_binder, calcimimetic,
    /// active_vitamin_d, thiazide, loop_diuretic, antihypertensive, ppi, quinolone,
    /// tetracycline, levothyroxine, immunosuppressant, sodium_thiosulfate,
    /// calcification_inhibitor, mk7, vitamin_k_other, magnesium, calcium, vitamin_d, omega3,
    /// iron, antacid, other. Giving it for a name recorded as unknown reclassifies its entries.
    #[arg(long)]
    kind: Option<String>,
    /// Daily dose (with --taken: the dose taken), in --unit.
    #[arg(long, requires = "unit", allow_negative_numbers = true)]
    dose: Option<f64>,
    /// Unit of the dose: ug (µg, mcg), mg, g, iu, mmol or unit (tablets).
    #[arg(long, requires = "dose")]
    unit: Option<String>,
    /// Record a dose outside the range the medicine is sold in (refused without it: a slip of
    /// the unit, mg for µg, is the usual cause).
    #[arg(long)]
    confirm: bool,
    /// First day taken [default: --date, else today].
    #[arg(long)]
    start: Option<String>,
    /// Last day taken (absent: still taking).
    #[arg(long)]
    end: Option<String>,
    /// End the open course of NAME on --date (default today) instead of starting one.
    #[arg(long, conflicts_with_all = ["kind", "dose", "unit", "start", "end"])]
    stop: bool,
    /// Log one dose taken on --date (default today) instead of a course; without --dose, the
    /// dose of the course of NAME that covers the date.
    #[arg(long, conflicts_with_all = ["start", "end", "stop"])]
    taken: bool,
    #[command(flatten)]
    common: Common,
}

pub(super) fn run(args: LogArgs) -> CliResult {
    match args.command {
        LogCommand::Food(args) => food_log::food(args),
        LogCommand::Today(args) => food_log::today(args),
        LogCommand::DefineFood(args) => define_food(args),
        LogCommand::Activity(args) => activity(args),
        LogCommand::Vitals(args) => vitals(args),
        LogCommand::Med(args) => med(args),
    }
}

/// Adds one entry through the use case, which checks it whole (the same checks as the web's
/// `POST /api/entries` and `import`), and prints it.
fn save<T: Serialize + Clone>(
    common: &Common,
    entry: T,
    given: validate::BodyUnits,
    describe: impl Fn(&T, Option<Units>) -> String,
    wrap: impl FnOnce(T) -> Entry,
) -> CliResult {
    let json = serde_json::to_value(&entry)?;
    let mut app = common.db.app()?;
    let (person, _) = app
        .add_entry_in(common.person.person.as_deref(), &wrap(entry.clone()), given)
        .map_err(flag_date)?;
    // Said in the person's units (a weight in lb for a person who reads US units).
    let text = describe(&entry, person.units);
    match common.format {
        Format::Json => print_json(&json)?,
        _ => crate::outln!("logged for {}: {text}", person.name)?,
    }
    Ok(())
}

fn define_food(args: DefineFoodArgs) -> CliResult {
    let name = args.file.display();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| invalid(format!("cannot read {name}: {e}")))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| invalid(format!("{name}: not JSON: {e}")))?;
    // The definition is checked before the database is opened.
    vascalc_app::foods::Definition::parse(&value).map_err(|e| invalid(format!("{name}: {e}")))?;
    let mut app = args.db.app()?;
    let (person, own) = app
        .define_food(args.person.person.as_deref(), value)
        .map_err(|e| match e.kind() {
            vascalc_app::ErrorKind::Invalid => invalid(format!("{name}: {e}")),
            _ => e.into(),
        })?;
    match args.format {
        Format::Json => print_json(&own)?,
        _ => crate::outln!(
            "defined for {}: {} — log it with `vascalc log food {} --grams G`",
            person.name,
            own.food_id,
            own.food_id
        )?,
    }
    Ok(())
}

fn activity(args: ActivityArgs) -> CliResult {
    let date = dates::arg_or_today(args.common.date.as_deref(), "--date")?;
    let entry = Activity {
        date,
        kind: args.kind.to_lowercase().parse().map_err(invalid)?,
        minutes: args.minutes,
    };
    save(
        &args.common,
        entry,
        validate::BodyUnits::default(),
        |a, _| format!("{} min {} on {}", fmt_num(a.minutes), a.kind, a.date),
        Entry::Activity,
    )
}

fn parse_bp(text: &str) -> CliResult<(f64, f64)> {
    let bad = || {
        invalid(format!(
            "--bp {text:?}: give SYSTOLIC/DIASTOLIC in mmHg, e.g. 128/82"
        ))
    };
    let (s, d) = text.split_once('/').ok_or_else(bad)?;
    Ok((
        s.trim().parse().map_err(|_| bad())?,
        d.trim().parse().map_err(|_| bad())?,
    ))
}

fn vitals(args: VitalsArgs) -> CliResult {
    let date = dates::arg_or_today(args.common.date.as_deref(), "--date")?;
    let bp = args.bp.as_deref().map(parse_bp).transpose()?;
    // A weight or waist given in lb or in is converted by vascalc-app as the web's form's is
    // (`EntryUnits`), and refused in lb or in (the use case's message).
    let units = EntryUnits {
        weight_kg: args
            .weight_lb
            .map(|_| BodyMeasure::Weight.us_unit().to_owned()),
        waist_cm: args
            .waist_in
            .map(|_| BodyMeasure::Waist.us_unit().to_owned()),
    };
    let typed = Entry::Vitals(Vitals {
        date,
        systolic_mm_hg: bp.map(|b| b.0),
        diastolic_mm_hg: bp.map(|b| b.1),
        weight_kg: args.weight_kg.or(args.weight_lb),
        waist_cm: args.waist_cm.or(args.waist_in),
    });
    let (Entry::Vitals(entry), given) = units.apply(&typed)? else {
        return Err(invalid("vitals converted to another kind of entry"));
    };
    save(
        &args.common,
        entry,
        given,
        |v, units| {
            let mut parts = Vec::new();
            if let (Some(s), Some(d)) = (v.systolic_mm_hg, v.diastolic_mm_hg) {
                parts.push(format!("BP {}/{} mmHg", fmt_num(s), fmt_num(d)));
            }
            if let Some(w) = v.weight_kg {
                parts.push(format!(
                    "weight {}",
                    fmt_body(BodyMeasure::Weight, w, units)
                ));
            }
            if let Some(w) = v.waist_cm {
                parts.push(format!("waist {}", fmt_body(BodyMeasure::Waist, w, units)));
            }
            format!("{} on {}", parts.join(", "), v.date)
        },
        Entry::Vitals,
    )
}

fn med(args: MedArgs) -> CliResult {
    let today = dates::today();
    let date = dates::arg_or_today(args.common.date.as_deref(), "--date")?;
    let who = args.common.person.person.as_deref();
    let format = args.common.format;
    if args.stop {
        let mut app = args.common.db.app()?;
        let (person, n) = app.stop_course(who, &args.name, date).map_err(flag_date)?;
        if format == Format::Json {
            print_json(&serde_json::json!({"name": args.name, "end": date, "courses_ended": n}))?;
        } else {
            crate::outln!("{}: {} stopped on {date}", person.name, args.name)?;
        }
        return Ok(());
    }
    if args.taken {
        let input = DoseInput {
            name: args.name.clone(),
            kind: args.kind.clone(),
            dose: args.dose.zip(args.unit.clone()),
            date,
            confirm: args.confirm,
        };
        let mut app = args.common.db.app()?;
        let logged = app.log_dose(who, &input).map_err(flag_date)?;
        let entry = &logged.dose;
        match format {
            Format::Json => print_json(entry)?,
            _ => crate::outln!(
                "logged for {}: {} {} {} ({}) taken on {}",
                logged.person.name,
                entry.name,
                fmt_num(entry.dose),
                entry.unit,
                entry.kind,
                entry.date
            )?,
        }
        notes(&entry.name, &logged.notes);
        return Ok(());
    }
    let input = CourseInput {
        name: args.name.clone(),
        kind: args.kind.clone(),
        dose: args.dose,
        unit: args.unit.clone(),
        start: match &args.start {
            Some(s) => dates::arg(s, "--start", today)?,
            None => date,
        },
        end: dates::opt_arg(args.end.as_deref(), "--end", today)?,
        confirm: args.confirm,
    };
    let only_class = args.dose.is_none() && args.start.is_none() && args.end.is_none();
    let mut app = args.common.db.app()?;
    // The course's first day is --start, else --date: the error names the one typed.
    let start_flag = if args.start.is_some() {
        "--start"
    } else {
        "--date"
    };
    let logged = app.log_course(who, &input, only_class).map_err(|e| {
        flagged(
            e,
            &[("date", "--date"), ("start", start_flag), ("end", "--end")],
        )
    })?;
    if let Some(r) = &logged.reclassified {
        match format {
            Format::Json => print_json(r)?,
            _ => crate::outln!(
                "{}: {} is now recorded as {} ({} course(s), {} dose(s))",
                logged.person.name,
                r.name,
                r.kind,
                r.courses,
                r.doses
            )?,
        }
    }
    let Some(m) = &logged.course else {
        return Ok(());
    };
    match format {
        Format::Json => print_json(m)?,
        _ => {
            let dose = match (m.dose, &m.unit) {
                (Some(d), Some(u)) => format!(" {} {u}/day", fmt_num(d)),
                _ => String::new(),
            };
            let end = m.end.map(|e| format!(" to {e}")).unwrap_or_default();
            crate::outln!(
                "logged for {}: {}{dose} ({}) from {}{end}",
                logged.person.name,
                m.name,
                m.kind,
                m.start
            )?
        }
    }
    notes(&m.name, &logged.notes);
    Ok(())
}

/// What to tell beside a logged course or dose, on stderr.
#[expect(clippy::print_stderr, reason = "the binary talks to the person")]
fn notes(name: &str, notes: &MedNotes) {
    if let Some(why) = &notes.confirmed_implausible {
        eprintln!("recorded as confirmed: {why}");
    }
    if notes.unknown {
        eprintln!("{}", unknown_hint(name));
    }
    if let Some(s) = &notes.salt {
        eprintln!(
            "note: vascalc counts the dose as elemental {}. If {} {} is the weight of {} \
             itself, that is about {} {} of {} ({:.1}% by mass, from the molar masses).",
            s.element,
            fmt_num(s.dose),
            s.unit,
            s.ingredient,
            fmt_num(s.elemental),
            s.unit,
            s.element,
            s.fraction * 100.0
        );
    }
}

/// What to do about a name vascalc does not know.
fn unknown_hint(name: &str) -> String {
    let arg = if name.contains(char::is_whitespace) {
        format!("{:?}", name.trim())
    } else {
        name.trim().to_owned()
    };
    format!(
        "vascalc does not know {:?}: it is recorded as unknown, and the plan says its safety \
         rules could not be checked until you say what it is with `vascalc log med {arg} --kind \
         KIND` (KIND: {})",
        name.trim(),
        vascalc_program::rules::kind_choices()
    )
}
