//! The data the load runs on: the demo organisation, plus what the write paths
//! consume (drafts to edit, versions awaiting a visa, acknowledgements to sign)
//! and two long documents. Made through the services, as the server would.

use diesel::prelude::*;

use jobdesc::clock::{parse_zone, Clock};
use jobdesc::config::{self, Layer, Secret, Settings};
use jobdesc::db::schema::{acknowledgements, departments, positions};
use jobdesc::db::DbConn;
use jobdesc::domain::account::{User, UserInput};
use jobdesc::domain::document::{Clause, Content, SectionKind};
use jobdesc::domain::staff::{Assignment, AssignmentInput, Employee, EmployeeInput};
use jobdesc::domain::structure::{Position, PositionInput};
use jobdesc::domain::workflow::Decision;
use jobdesc::services::documents::{self, NewDocument};
use jobdesc::services::rules::Rules;
use jobdesc::services::texts::{self, Owner};
use jobdesc::services::workflow::{self, ApproveInput, VisaInput};
use jobdesc::services::{auth, crud, demo, templates, users};
use jobdesc::startup::open_database;

/// The secret the benchmark's server runs with (a throw-away database).
pub const SECRET: &str = "load-benchmark-secret-key-0123456789abcdef";
/// The password of the signers the benchmark creates.
pub const SIGNER_PASSWORD: &str = "copper-lantern-bench-7";

/// What the load plans use.
pub struct Fixture {
    /// The demo draft with the most clauses, and how many it has.
    pub document: (String, usize),
    /// Long documents: (clauses, version id).
    pub long: Vec<(usize, String)>,
    /// Drafts to edit, one per connection: (version, clause, revision).
    pub drafts: Vec<(String, String, i64)>,
    /// Versions waiting for the head's visa.
    pub awaiting_visa: Vec<String>,
    /// Acknowledgements to sign: (acknowledgement, the signer's API token).
    pub to_sign: Vec<(String, String)>,
    /// API tokens of the HR officer and of the head of department (the first agreer).
    pub hr_token: String,
    pub head_token: String,
}

/// How much the write paths may consume.
pub struct Sizes {
    pub drafts: usize,
    pub visas: usize,
    pub signers: usize,
}

/// The settings of the benchmark's database (the server is started with the same).
pub fn settings(url: &str, data_dir: &std::path::Path) -> Result<Settings, String> {
    let flags = Layer {
        database_url: Some(Secret::new(url.to_string())),
        data_dir: Some(data_dir.to_path_buf()),
        secret_key: Some(Secret::new(SECRET.to_string())),
        ..Layer::default()
    };
    config::load(None, &[], flags)
        .map(|(s, _)| s)
        .map_err(|e| e.to_string())
}

fn user(conn: &mut DbConn, login: &str) -> Result<User, String> {
    users::by_login(conn, login)
        .map_err(|e| e.to_string())?
        .map(|(u, _)| u)
        .ok_or_else(|| format!("demo user {login} is missing"))
}

struct Maker<'a> {
    conn: &'a mut DbConn,
    clock: Clock,
    rules: Rules,
    department: String,
    /// The position every new one reports to (its placeholder must resolve).
    chief: String,
    template: String,
    made: usize,
}

impl Maker<'_> {
    /// A new position in the first department with a draft from the specialist template.
    fn draft(&mut self) -> Result<String, String> {
        self.made += 1;
        let n = self.made;
        let input = PositionInput {
            title: format!("инженер-испытатель {n}"),
            title_genitive: format!("инженера-испытателя {n}"),
            category: "specialist".into(),
            department_id: self.department.clone(),
            reports_to_id: Some(self.chief.clone()),
        };
        let p = crud::create::<Position>(self.conn, &self.clock, &self.rules, "bench", &input)
            .map_err(|e| e.to_string())?;
        let jd = documents::create(
            self.conn,
            &self.clock,
            "bench",
            &NewDocument {
                position_id: p.id.clone(),
                template_id: Some(self.template.clone()),
                copy_from: None,
            },
        )
        .map_err(|e| e.to_string())?;
        jd.versions
            .first()
            .map(|v| v.id.clone())
            .ok_or_else(|| "a new document has no version".into())
    }

    fn position_of(&mut self, version: &str) -> Result<String, String> {
        use jobdesc::db::schema::{jd_versions, job_descriptions};
        let jd: String = jd_versions::table
            .find(version)
            .select(jd_versions::job_description_id)
            .first(self.conn)
            .map_err(|e| e.to_string())?;
        job_descriptions::table
            .find(jd)
            .select(job_descriptions::position_id)
            .first(self.conn)
            .map_err(|e| e.to_string())
    }
}

/// A text of `n` duty clauses built from the template's own duties.
fn lengthened(mut content: Content, n: usize) -> Content {
    let Some(duties) = content.sections.iter_mut().find(|s| s.kind == SectionKind::Duties) else {
        return content;
    };
    let samples: Vec<String> = duties.clauses.iter().map(|c| c.text.clone()).collect();
    duties.clauses = (0..n)
        .map(|i| Clause {
            id: format!("long-{i}"),
            text: format!(
                "{} (участок {}).",
                samples[i % samples.len().max(1)].trim_end_matches('.'),
                i + 1
            ),
            library: None,
            children: Vec::new(),
        })
        .collect();
    content
}

/// Sends a draft for agreement, naming the findings when its checks refuse it.
fn send(conn: &mut DbConn, clock: &Clock, hr: &User, v: &str) -> Result<(), String> {
    workflow::send(conn, clock, hr, v).map(|_| ()).map_err(|e| {
        let text = texts::load(conn, &Owner::Version(v.into())).map(|t| t.content);
        let values = documents::values(conn, v);
        let findings = match (text, values) {
            (Ok(t), Ok(values)) => format!("{:?}", jobdesc::domain::checks::check(&t, Some(&values))),
            _ => String::new(),
        };
        format!("send: {e} {findings}")
    })
}

/// Creates the database, loads the demo and everything the plans consume.
pub fn prepare(settings: &Settings, sizes: &Sizes) -> Result<Fixture, String> {
    let zone = parse_zone(&settings.time_zone).map_err(|e| e.to_string())?;
    let clock = Clock::system(zone);
    let pool = open_database(settings, &clock).map_err(|e| e.to_string())?;
    let mut pooled = pool.get().map_err(|e| e.to_string())?;
    let conn: &mut DbConn = &mut pooled;
    let rules = Rules::from(settings);
    demo::load(conn, &clock, &rules).map_err(|e| e.to_string())?;
    let (hr, head, lawyer, director) = (
        user(conn, "hr")?,
        user(conn, "head")?,
        user(conn, "lawyer")?,
        user(conn, "director")?,
    );
    let hr_token = auth::issue_token(conn, &clock, &hr, "bench").map_err(|e| e.to_string())?;
    let head_token = auth::issue_token(conn, &clock, &head, "bench").map_err(|e| e.to_string())?;

    let mut document = (String::new(), 0);
    for jd in documents::list(conn, Default::default())
        .map_err(|e| e.to_string())?
        .items
    {
        for v in jd.versions {
            let n = texts::load(conn, &Owner::Version(v.id.clone()))
                .map_err(|e| e.to_string())?
                .content
                .clauses()
                .len();
            if n > document.1 {
                document = (v.id, n);
            }
        }
    }

    let department: String = departments::table
        .select(departments::id)
        .order(departments::name)
        .first(conn)
        .map_err(|e| e.to_string())?;
    let chief: String = positions::table
        .filter(positions::department_id.eq(&department))
        .select(positions::id)
        .first(conn)
        .map_err(|e| e.to_string())?;
    let template = templates::all(conn)
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|t| t.category.is_some_and(|c| c.as_str() == "specialist"))
        .map(|t| t.id)
        .ok_or("no specialist template")?;
    let mut make = Maker {
        conn,
        clock: clock.clone(),
        rules,
        department,
        chief,
        template,
        made: 0,
    };

    let mut long = Vec::new();
    for n in [200, 1000] {
        let v = make.draft()?;
        let owner = Owner::Version(v.clone());
        let loaded = texts::load(make.conn, &owner).map_err(|e| e.to_string())?;
        let content = lengthened(loaded.content, n);
        let clauses = content.clauses().len();
        texts::save(make.conn, clock.now(), &owner, &content, loaded.revision).map_err(|e| e.to_string())?;
        long.push((clauses, v));
    }

    let mut drafts = Vec::new();
    for _ in 0..sizes.drafts {
        let v = make.draft()?;
        let loaded = texts::load(make.conn, &Owner::Version(v.clone())).map_err(|e| e.to_string())?;
        let clause = loaded
            .content
            .clauses()
            .first()
            .map(|l| l.clause.id.clone())
            .ok_or("a draft without clauses")?;
        drafts.push((v, clause, loaded.revision));
    }

    let mut awaiting_visa = Vec::new();
    for _ in 0..sizes.visas {
        let v = make.draft()?;
        send(make.conn, &clock, &hr, &v)?;
        awaiting_visa.push(v);
    }

    // Signers hold one position whose document is then approved.
    let v = make.draft()?;
    let position = make.position_of(&v)?;
    let today = clock.today().to_string();
    let mut tokens = std::collections::HashMap::new();
    for i in 0..sizes.signers {
        let e = crud::create::<Employee>(
            make.conn,
            &clock,
            &make.rules,
            "bench",
            &EmployeeInput {
                surname: format!("Испытатель{i}"),
                name: "Пётр".into(),
                patronymic: Some("Петрович".into()),
                personnel_number: format!("B{i:05}"),
                email: None,
            },
        )
        .map_err(|e| e.to_string())?;
        crud::create::<Assignment>(
            make.conn,
            &clock,
            &make.rules,
            "bench",
            &AssignmentInput {
                employee_id: e.id.clone(),
                position_id: position.clone(),
                date_from: today.clone(),
                date_to: None,
            },
        )
        .map_err(|e| e.to_string())?;
        let u = crud::create::<User>(
            make.conn,
            &clock,
            &make.rules,
            "bench",
            &UserInput {
                login: format!("signer{i}"),
                password: Some(SIGNER_PASSWORD.into()),
                roles: vec!["employee".into()],
                employee_id: Some(e.id.clone()),
                email: None,
            },
        )
        .map_err(|e| e.to_string())?;
        let token = auth::issue_token(make.conn, &clock, &u, "bench").map_err(|e| e.to_string())?;
        tokens.insert(e.id, token);
    }
    let agree = VisaInput {
        decision: Decision::Agree,
        comment: String::new(),
        on_behalf_of: None,
    };
    send(make.conn, &clock, &hr, &v)?;
    workflow::give_visa(make.conn, &clock, &head, &v, &agree).map_err(|e| format!("visa: {e}"))?;
    workflow::give_visa(make.conn, &clock, &lawyer, &v, &agree).map_err(|e| format!("visa: {e}"))?;
    let approve = ApproveInput::default();
    workflow::approve(make.conn, &clock, &director, &v, &approve, &make.rules).map_err(|e| format!("approve: {e}"))?;
    let to_sign = acknowledgements::table
        .filter(acknowledgements::version_id.eq(&v))
        .select((acknowledgements::id, acknowledgements::employee_id))
        .load::<(String, String)>(make.conn)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(|(a, e)| tokens.get(&e).map(|t| (a, t.clone())))
        .collect();

    Ok(Fixture {
        document,
        long,
        drafts,
        awaiting_visa,
        to_sign,
        hr_token,
        head_token,
    })
}
