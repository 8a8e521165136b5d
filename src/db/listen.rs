//! A PostgreSQL connection that waits for notifications (`LISTEN`), through libpq
//! itself: diesel's connection can only be asked for notifications already received,
//! so waiting for one with it would mean polling the server.

use std::ffi::{CStr, CString};
use std::ptr::NonNull;
use std::time::Duration;

/// A notification: the channel it was sent on and its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub channel: String,
    pub payload: String,
}

/// A libpq connection listening on some channels.
pub struct Listener {
    conn: NonNull<pq_sys::PGconn>,
}

// The connection is used by one thread at a time (it is moved, never shared).
unsafe impl Send for Listener {}

impl Listener {
    /// Connects to `url` under the name `application` (as `pg_stat_activity` shows it)
    /// and listens on `channels` (plain identifiers).
    pub fn connect(url: &str, application: &str, channels: &[&str]) -> Result<Listener, String> {
        let nul = |_| "the database URL contains a NUL byte".to_string();
        let keys = [c"dbname", c"application_name"];
        let values = [CString::new(url).map_err(nul)?, CString::new(application).map_err(nul)?];
        let keys = [keys[0].as_ptr(), keys[1].as_ptr(), std::ptr::null()];
        let values = [values[0].as_ptr(), values[1].as_ptr(), std::ptr::null()];
        // SAFETY: both lists are NULL-terminated arrays of valid C strings that outlive the
        // call; `dbname` is expanded as the URL (1). libpq returns a connection object (also
        // on failure, where it carries the message) or null when out of memory.
        let conn = NonNull::new(unsafe { pq_sys::PQconnectdbParams(keys.as_ptr(), values.as_ptr(), 1) })
            .ok_or_else(|| "libpq could not allocate a connection".to_string())?;
        // SAFETY: live connection; `notice` is a plain function that copies the message.
        unsafe { pq_sys::PQsetNoticeProcessor(conn.as_ptr(), Some(notice), std::ptr::null_mut()) };
        let mut listener = Listener { conn };
        // SAFETY: the connection is live until `Drop`.
        if unsafe { pq_sys::PQstatus(listener.conn.as_ptr()) } != pq_sys::ConnStatusType::CONNECTION_OK {
            return Err(listener.error());
        }
        for channel in channels {
            listener.query(&format!("LISTEN {channel}"))?;
        }
        Ok(listener)
    }

    /// Runs `sql` and returns the first column of its first row, if any.
    pub fn query(&mut self, sql: &str) -> Result<Option<String>, String> {
        let sql = CString::new(sql).map_err(|_| "a query contains a NUL byte".to_string())?;
        // SAFETY: live connection, valid C string; the result is cleared below.
        let result = unsafe { pq_sys::PQexec(self.conn.as_ptr(), sql.as_ptr()) };
        if result.is_null() {
            return Err(self.error());
        }
        // SAFETY: `result` is a live result until `PQclear`; the value is copied out first.
        let out = unsafe {
            match pq_sys::PQresultStatus(result) {
                pq_sys::ExecStatusType::PGRES_COMMAND_OK => Ok(None),
                pq_sys::ExecStatusType::PGRES_TUPLES_OK if pq_sys::PQntuples(result) == 0 => Ok(None),
                pq_sys::ExecStatusType::PGRES_TUPLES_OK => {
                    let value = pq_sys::PQgetvalue(result, 0, 0);
                    Ok((!value.is_null()).then(|| CStr::from_ptr(value).to_string_lossy().into_owned()))
                }
                _ => Err(self.error()),
            }
        };
        // SAFETY: cleared once, not used after.
        unsafe { pq_sys::PQclear(result) };
        out
    }

    /// The notifications that arrive within `timeout` (none when it passes quietly); an
    /// error when the connection is lost.
    pub fn wait(&mut self, timeout: Duration) -> Result<Vec<Notification>, String> {
        let mut found = self.take()?;
        if !found.is_empty() {
            return Ok(found);
        }
        // SAFETY: live connection.
        let socket = unsafe { pq_sys::PQsocket(self.conn.as_ptr()) };
        if socket < 0 {
            return Err(self.error());
        }
        let mut poll = libc::pollfd {
            fd: socket,
            events: libc::POLLIN,
            revents: 0,
        };
        let millis = timeout.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd for the call's duration.
        let ready = unsafe { libc::poll(&mut poll, 1, millis) };
        if ready < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("poll: {}", std::io::Error::last_os_error()));
        }
        if ready > 0 {
            found = self.take()?;
        }
        Ok(found)
    }

    /// Reads what the server sent and takes the notifications out of it.
    fn take(&mut self) -> Result<Vec<Notification>, String> {
        let conn = self.conn.as_ptr();
        // SAFETY: live connection; each notification is copied, then freed by libpq's own free.
        unsafe {
            if pq_sys::PQconsumeInput(conn) == 0 || pq_sys::PQstatus(conn) != pq_sys::ConnStatusType::CONNECTION_OK {
                return Err(self.error());
            }
            let mut found = Vec::new();
            loop {
                let n = pq_sys::PQnotifies(conn);
                if n.is_null() {
                    break;
                }
                let text = |p: *const std::os::raw::c_char| {
                    if p.is_null() {
                        String::new()
                    } else {
                        CStr::from_ptr(p).to_string_lossy().into_owned()
                    }
                };
                found.push(Notification {
                    channel: text((*n).relname),
                    payload: text((*n).extra),
                });
                pq_sys::PQfreemem(n.cast());
            }
            Ok(found)
        }
    }

    /// libpq's message for the connection's last failure.
    fn error(&self) -> String {
        // SAFETY: live connection; the message is owned by it and copied at once.
        let message = unsafe { pq_sys::PQerrorMessage(self.conn.as_ptr()) };
        if message.is_null() {
            return "the connection failed".into();
        }
        // SAFETY: libpq's messages are NUL-terminated.
        let text = unsafe { CStr::from_ptr(message) }.to_string_lossy().trim().to_string();
        if text.is_empty() {
            "the connection was lost".into()
        } else {
            text
        }
    }
}

/// What the server says outside a query (its shutdown, say) goes to the log, not to
/// standard error as libpq would print it.
unsafe extern "C" fn notice(_: *mut std::os::raw::c_void, message: *const std::os::raw::c_char) {
    if !message.is_null() {
        // SAFETY: libpq passes a NUL-terminated message, valid during the call.
        let text = unsafe { CStr::from_ptr(message) }.to_string_lossy();
        tracing::info!(message = %text.trim(), "database notice to the listening connection");
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // SAFETY: finished once; the pointer is not used after.
        unsafe { pq_sys::PQfinish(self.conn.as_ptr()) };
    }
}
