//! A real directory for the sign-in tests: OpenLDAP's slapd (Debian package `slapd`),
//! loaded with `slapadd` and run in the foreground on a port of its own.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SLAPD: &str = "/usr/sbin/slapd";
const SLAPADD: &str = "/usr/sbin/slapadd";

/// The directory's suffix, service account and its password.
pub const SUFFIX: &str = "dc=vector,dc=example";
pub const SERVICE_DN: &str = "cn=jobdesc,ou=services,dc=vector,dc=example";
pub const SERVICE_PASSWORD: &str = "service-secret";

/// True when slapd can be started here; says why not once, and fails in CI.
pub fn available() -> bool {
    let ok = Path::new(SLAPD).exists() && Path::new(SLAPADD).exists();
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "CI must run the directory tests: apt-get install slapd"
        );
        eprintln!("skipped: no slapd for the directory tests (apt-get install slapd)");
    }
    ok
}

/// One person in the test directory.
pub struct Entry<'a> {
    pub uid: &'a str,
    pub password: &'a str,
    pub mail: Option<&'a str>,
    pub employee_number: Option<&'a str>,
    /// Names of the groups (under `ou=groups`) they are a member of.
    pub groups: &'a [&'a str],
}

/// slapd on 127.0.0.1 with a database of its own.
pub struct Slapd {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

/// The DN of a person.
pub fn person_dn(uid: &str) -> String {
    format!("uid={uid},ou=people,{SUFFIX}")
}

/// The DN of a group.
pub fn group_dn(name: &str) -> String {
    format!("cn={name},ou=groups,{SUFFIX}")
}

fn ldif(people: &[Entry<'_>]) -> String {
    let mut out = format!(
        "dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: vector\no: Vector\n\n\
         dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n\n\
         dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n\n\
         dn: ou=services,{SUFFIX}\nobjectClass: organizationalUnit\nou: services\n\n\
         dn: {SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n\
         cn: jobdesc\nuserPassword: {SERVICE_PASSWORD}\n\n"
    );
    let mut groups: Vec<&str> = people.iter().flat_map(|p| p.groups.iter().copied()).collect();
    groups.sort();
    groups.dedup();
    for p in people {
        out += &format!(
            "dn: {}\nobjectClass: inetOrgPerson\nuid: {}\ncn: {}\nsn: {}\nuserPassword: {}\n",
            person_dn(p.uid),
            p.uid,
            p.uid,
            p.uid,
            p.password
        );
        if let Some(m) = p.mail {
            out += &format!("mail: {m}\n");
        }
        if let Some(n) = p.employee_number {
            out += &format!("employeeNumber: {n}\n");
        }
        out += "\n";
    }
    for g in groups {
        out += &format!("dn: {}\nobjectClass: groupOfNames\ncn: {g}\n", group_dn(g));
        for p in people.iter().filter(|p| p.groups.contains(&g)) {
            out += &format!("member: {}\n", person_dn(p.uid));
        }
        out += "\n";
    }
    out
}

impl Slapd {
    /// A directory holding `people`, listening on a free port.
    pub fn start(people: &[Entry<'_>]) -> Slapd {
        let dir = tempfile::tempdir().expect("slapd dir");
        let db = dir.path().join("db");
        std::fs::create_dir_all(&db).expect("db dir");
        let conf = dir.path().join("slapd.conf");
        std::fs::write(
            &conf,
            format!(
                "include /etc/ldap/schema/core.schema\n\
                 include /etc/ldap/schema/cosine.schema\n\
                 include /etc/ldap/schema/inetorgperson.schema\n\
                 modulepath /usr/lib/ldap\nmoduleload back_mdb\n\
                 pidfile {pid}\n\
                 database mdb\nmaxsize 10485760\nsuffix \"{SUFFIX}\"\n\
                 rootdn \"cn=admin,{SUFFIX}\"\nrootpw admin-secret\ndirectory {db}\n\
                 access to attrs=userPassword by self write by anonymous auth by * none\n\
                 access to * by users read by * none\n",
                pid = dir.path().join("slapd.pid").display(),
                db = db.display(),
            ),
        )
        .expect("slapd.conf");
        let data = dir.path().join("data.ldif");
        std::fs::write(&data, ldif(people)).expect("ldif");
        let loaded = Command::new(SLAPADD)
            .arg("-f")
            .arg(&conf)
            .arg("-l")
            .arg(&data)
            .output()
            .expect("slapadd runs");
        assert!(
            loaded.status.success(),
            "slapadd: {}",
            String::from_utf8_lossy(&loaded.stderr)
        );
        let mut s = Slapd {
            port: super::smtp::free_port(),
            dir,
            child: None,
        };
        s.resume();
        s
    }

    fn conf(&self) -> PathBuf {
        self.dir.path().join("slapd.conf")
    }

    /// `ldap://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    /// Starts (again) and waits until it accepts connections.
    pub fn resume(&mut self) {
        let child = Command::new(SLAPD)
            .arg("-f")
            .arg(self.conf())
            .arg("-h")
            .arg(format!("{}/", self.url()))
            .args(["-d", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("slapd starts");
        self.child = Some(child);
        let until = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < until, "slapd did not listen on {}", self.port);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops it (the database stays for [`Slapd::resume`]).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Moves a person from one group to another, as the directory's administrator would.
    pub fn move_member(&self, uid: &str, from: &str, to: &str) {
        // The blocking client starts a runtime of its own: not on the test's.
        let (url, uid, from, to) = (self.url(), uid.to_string(), from.to_string(), to.to_string());
        std::thread::spawn(move || move_member(&url, &uid, &from, &to))
            .join()
            .expect("group changed");
    }
}

/// Moves a person between groups, bound as the directory's administrator.
fn move_member(url: &str, uid: &str, from: &str, to: &str) {
    let mut ldap = ldap3::LdapConn::new(url).expect("connect");
    ldap.simple_bind(&format!("cn=admin,{SUFFIX}"), "admin-secret")
        .and_then(|r| r.success())
        .expect("admin bind");
    let dn = person_dn(uid);
    let member = std::collections::HashSet::from([dn.as_str()]);
    ldap.modify(&group_dn(from), vec![ldap3::Mod::Delete("member", member.clone())])
        .and_then(|r| r.success())
        .expect("leave group");
    ldap.modify(&group_dn(to), vec![ldap3::Mod::Add("member", member)])
        .and_then(|r| r.success())
        .expect("join group");
    let _ = ldap.unbind();
}

impl Drop for Slapd {
    fn drop(&mut self) {
        self.stop();
    }
}
