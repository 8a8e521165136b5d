//! Directory sign-in against a real slapd: accounts made at the first sign-in, roles
//! from groups at every sign-in, local accounts untouched, refusals that change nothing.

use std::collections::BTreeMap;

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::{instant, Api, Backend, TestApp, Web, PASSWORD};
use crate::slapd::{self, group_dn, Entry, Slapd};
use jobdesc::config::{LdapLayer, Secret};

fn people() -> Vec<Entry<'static>> {
    vec![
        Entry {
            uid: "petrova",
            password: "Ldap-hr-Pass-1",
            mail: Some("Petrova@Vector.example"),
            employee_number: Some("T-17"),
            groups: &["hr"],
        },
        Entry {
            uid: "sidorov",
            password: "Ldap-head-Pass-2",
            mail: None,
            employee_number: None,
            groups: &["heads", "hr"],
        },
        Entry {
            uid: "nogroup",
            password: "Ldap-none-Pass-3",
            mail: None,
            employee_number: None,
            groups: &["canteen"],
        },
        Entry {
            uid: "localadmin",
            password: "Ldap-clash-Pass-4",
            mail: None,
            employee_number: None,
            groups: &["hr"],
        },
    ]
}

fn ldap_layer(url: &str) -> LdapLayer {
    let mut roles = BTreeMap::new();
    roles.insert(group_dn("hr"), vec!["hr".to_string()]);
    // Written as an administrator might, upper case and spaced: DNs compare loosely.
    roles.insert(
        group_dn("heads").to_uppercase().replace(',', ", "),
        vec!["agreer".to_string(), "approver".to_string()],
    );
    LdapLayer {
        url: Some(url.to_string()),
        bind_dn: Some(slapd::SERVICE_DN.into()),
        bind_password: Some(Secret::new(slapd::SERVICE_PASSWORD)),
        base_dn: Some(format!("ou=people,{}", slapd::SUFFIX)),
        group_base_dn: Some(format!("ou=groups,{}", slapd::SUFFIX)),
        roles: Some(roles),
        timeout_seconds: Some(3),
        ..LdapLayer::default()
    }
}

async fn token(app: &TestApp, login: &str, password: &str) -> crate::helpers::Answer {
    Api::new(&app.base, None)
        .post(
            "/api/v1/auth/token",
            json!({ "login": login, "password": password, "name": "t" }),
        )
        .await
}

async fn directory_sign_in(backend: Backend) {
    if !slapd::available() {
        return;
    }
    let mut dir = Slapd::start(&people());
    let url = dir.url();
    let Some(app) = TestApp::spawn_with(backend, instant("2026-12-07T09:00:00+03:00"), |l| {
        l.ldap = Some(ldap_layer(&url))
    })
    .await
    else {
        return;
    };
    let admin = app.api_as("admin1", "admin");
    let employee = admin
        .post(
            "/api/v1/employees",
            json!({ "surname": "Петрова", "name": "Анна", "personnel_number": "T-17" }),
        )
        .await;
    assert_eq!(employee.status, StatusCode::CREATED, "{}", employee.body);
    let employee_id = employee.json()["id"].as_str().expect("id").to_string();
    // A local account whose login the directory also has.
    app.user("localadmin", "admin");

    // First sign-in makes the account: roles from groups, address, employee by number.
    let a = token(&app, "Petrova", "Ldap-hr-Pass-1").await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let user = &a.json()["user"];
    assert_eq!(user["login"], "petrova");
    assert_eq!(user["roles"], json!(["hr"]));
    assert_eq!(user["email"], "Petrova@vector.example");
    assert_eq!(user["employee_id"], employee_id.as_str());
    assert_eq!(user["directory_dn"], slapd::person_dn("petrova").as_str());
    let user_id = user["id"].as_str().expect("id").to_string();
    let log = admin.get(&format!("/api/v1/log?entity_id={user_id}")).await.json();
    let made = log
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["action"] == "create")
        .unwrap_or_else(|| panic!("a create entry for the account: {log}"));
    assert_eq!(made["actor"], "directory");

    // The page form signs in the same account; a second sign-in makes no second one.
    let mut web = Web::new(&app.base);
    let (status, _) = web.login("petrova", "Ldap-hr-Pass-1").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(web.get("/documents").await.status, StatusCode::OK, "HR reads documents");
    let users = admin.get("/api/v1/users?per_page=100").await.json();
    let petrovas = users["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|u| u["login"] == "petrova")
        .count();
    assert_eq!(petrovas, 1);

    // Refusals: wrong password, empty password (an anonymous bind would pass),
    // a filter in the login, a person no group gives a role; none makes an account.
    let before = app.log_len();
    for (login, password, code) in [
        ("petrova", "wrong", "bad_credentials"),
        ("petrova", "", "bad_credentials"),
        ("*", "Ldap-hr-Pass-1", "bad_credentials"),
        ("petrova)(uid=*", "Ldap-hr-Pass-1", "bad_credentials"),
        ("nogroup", "Ldap-none-Pass-3", "directory_no_role"),
    ] {
        let a = token(&app, login, password).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{login}: {}", a.body);
        assert_eq!(a.json()["code"], code, "{login}");
    }
    let (status, page) = Web::new(&app.base).login("nogroup", "Ldap-none-Pass-3").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("ни одна ваша группа не даёт роли"), "{}", page.body);
    assert_eq!(app.log_len(), before, "refusals change nothing");
    let users = admin.get("/api/v1/users?per_page=100").await.json();
    assert!(!users.to_string().contains("nogroup"));
    let sign_ins = admin.get("/api/v1/sign-ins").await.json();
    assert!(sign_ins.to_string().contains("directory_no_role"), "{sign_ins}");

    // A local account stays local: its own password, never the directory's.
    assert_eq!(token(&app, "localadmin", PASSWORD).await.status, StatusCode::CREATED);
    assert_eq!(
        token(&app, "localadmin", "Ldap-clash-Pass-4").await.status,
        StatusCode::UNAUTHORIZED
    );

    // Roles follow the groups at the next sign-in, and the change is logged.
    let a = token(&app, "sidorov", "Ldap-head-Pass-2").await;
    assert_eq!(a.json()["user"]["roles"], json!(["hr", "agreer", "approver"]));
    dir.move_member("petrova", "hr", "heads");
    let a = token(&app, "petrova", "Ldap-hr-Pass-1").await;
    assert_eq!(a.json()["user"]["roles"], json!(["agreer", "approver"]));
    let old_session = web.get("/documents").await;
    assert_eq!(
        old_session.status,
        StatusCode::SEE_OTHER,
        "new rights: the old session ended"
    );
    let log = admin.get(&format!("/api/v1/log?entity_id={user_id}")).await.json();
    let synced = log
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["action"] == "directory_sync");
    assert_eq!(synced.map(|e| e["actor"].clone()), Some(json!("directory")), "{log}");

    // An administrator's disabling here holds whatever the directory says.
    let off = admin.post(&format!("/api/v1/users/{user_id}/disable"), json!({})).await;
    assert!(off.status.is_success(), "{}", off.body);
    let a = token(&app, "petrova", "Ldap-hr-Pass-1").await;
    assert_eq!(a.json()["code"], "account_disabled");

    // The directory down: its people are told so, local accounts still sign in.
    dir.stop();
    let a = token(&app, "sidorov", "Ldap-head-Pass-2").await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    assert_eq!(a.json()["code"], "directory_unavailable");
    let (status, page) = Web::new(&app.base).login("sidorov", "Ldap-head-Pass-2").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.body.contains("Каталог (LDAP) сейчас недоступен"), "{}", page.body);
    // An outage is not the person's failure: it does not count towards throttling.
    for _ in 0..6 {
        assert_eq!(
            token(&app, "sidorov", "Ldap-head-Pass-2").await.status,
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
    assert_eq!(token(&app, "localadmin", PASSWORD).await.status, StatusCode::CREATED);
    dir.resume();
    assert_eq!(
        token(&app, "sidorov", "Ldap-head-Pass-2").await.status,
        StatusCode::CREATED
    );

    // A directory account signs electronically with the directory's password, not a local one.
    let directory = jobdesc::startup::directory(&app.settings).expect("configured");
    let (user, _) = jobdesc::services::users::by_login(&mut app.conn(), "sidorov")
        .expect("query")
        .expect("the account");
    let pool = app.pool.clone();
    let confirm = move |password: &'static str| {
        let (pool, directory, user) = (pool.clone(), directory.clone(), user.clone());
        std::thread::spawn(move || {
            let mut conn = pool.get().expect("connection");
            jobdesc::services::auth::confirm_password(&mut conn, Some(directory.as_ref()), &user, password)
        })
        .join()
        .expect("thread")
    };
    assert!(confirm("Ldap-head-Pass-2").is_ok());
    assert!(matches!(
        confirm("wrong"),
        Err(jobdesc::services::ServiceError::Refused("bad_password"))
    ));
    if backend == Backend::Sqlite {
        the_command_line_checks_the_settings(&dir);
    }
}

/// `jobdesc ldap check LOGIN` with the settings in a file: what the directory says, or why not.
fn the_command_line_checks_the_settings(dir: &Slapd) {
    use std::io::Write;
    use std::process::Stdio;
    let home = tempfile::tempdir().expect("dir");
    let config = home.path().join("jobdesc.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = \"{data}\"\n[ldap]\nurl = \"{url}\"\nbind_dn = \"{service}\"\nbind_password = \"{pw}\"\n\
             base_dn = \"ou=people,{suffix}\"\ngroup_base_dn = \"ou=groups,{suffix}\"\n[ldap.roles]\n\"{hr}\" = [\"hr\"]\n",
            data = home.path().display(),
            url = dir.url(),
            service = slapd::SERVICE_DN,
            pw = slapd::SERVICE_PASSWORD,
            suffix = slapd::SUFFIX,
            hr = group_dn("hr"),
        ),
    )
    .expect("config");
    let check = |login: &str, password: &str| {
        let mut child = crate::cli::jobdesc(&["--config", config.to_str().expect("path"), "ldap", "check", login])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("binary runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{password}\n").as_bytes())
            .expect("password written");
        let out = child.wait_with_output().expect("finishes");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let (ok, text) = check("sidorov", "Ldap-head-Pass-2");
    assert!(ok, "{text}");
    assert!(
        text.contains(&slapd::person_dn("sidorov")) && text.contains("roles: hr"),
        "{text}"
    );
    let (ok, text) = check("sidorov", "wrong");
    assert!(!ok && text.contains("wrong password"), "{text}");
    let (ok, text) = check("nogroup", "Ldap-none-Pass-3");
    assert!(!ok && text.contains("none of the groups gives a role"), "{text}");
}

crate::per_backend!(directory_sign_in);
