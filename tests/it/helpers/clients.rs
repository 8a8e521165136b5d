//! HTTP clients of the app under test: the JSON API and a browser-like client.

use std::collections::BTreeMap;

use awc::http::{header, Method, StatusCode};
use serde_json::Value;

fn client() -> awc::Client {
    awc::Client::builder()
        .disable_redirects()
        .timeout(std::time::Duration::from_secs(60))
        .finish()
}

/// A JSON API client.
#[derive(Clone)]
pub struct Api {
    base: String,
    token: Option<String>,
    client: awc::Client,
}

/// Status, headers and body of an answer.
pub struct Answer {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The body as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.body))
    }

    /// A header value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
}

impl Api {
    /// A client with an optional bearer token.
    pub fn new(base: &str, token: Option<String>) -> Api {
        Api {
            base: base.to_string(),
            token,
            client: client(),
        }
    }

    /// Sends a request with an optional JSON body.
    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.insert_header((header::AUTHORIZATION, format!("Bearer {t}")));
        }
        let res = match body {
            Some(b) => req.send_json(b).await,
            None => req.send().await,
        };
        read(res.expect("request sent")).await
    }

    /// Sends raw bytes with a content type.
    pub async fn bytes(&self, method: Method, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .insert_header((header::CONTENT_TYPE, content_type));
        if let Some(t) = &self.token {
            req = req.insert_header((header::AUTHORIZATION, format!("Bearer {t}")));
        }
        read(req.send_body(body).await.expect("request sent")).await
    }

    /// Sends a raw body with a content type.
    pub async fn raw(&self, method: Method, path: &str, content_type: &str, body: &str) -> Answer {
        self.bytes(method, path, content_type, body.as_bytes().to_vec()).await
    }

    /// POST that tolerates a dead server: the status, or `None` when nothing answered.
    pub async fn try_post(&self, path: &str, body: Value) -> Option<StatusCode> {
        let mut req = self.client.post(format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.insert_header((header::AUTHORIZATION, format!("Bearer {t}")));
        }
        req.send_json(&body).await.ok().map(|r| r.status())
    }

    /// GET a binary answer: status and raw bytes.
    pub async fn bytes_of(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.insert_header((header::AUTHORIZATION, format!("Bearer {t}")));
        }
        let mut res = req.send().await.expect("request sent");
        let body = res.body().limit(64 << 20).await.expect("body");
        (res.status(), body.to_vec())
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(&body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PUT, path, Some(&body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }
}

async fn read<S>(mut res: awc::ClientResponse<S>) -> Answer
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>> + Unpin,
{
    let body = res.body().limit(16 << 20).await.expect("body");
    Answer {
        status: res.status(),
        headers: res.headers().clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// A browser-like client: keeps cookies and the page's CSRF token, does not follow redirects.
#[derive(Clone)]
pub struct Web {
    base: String,
    client: awc::Client,
    cookies: BTreeMap<String, String>,
    pub csrf: Option<String>,
    /// Every Set-Cookie header seen, for checking cookie attributes.
    pub set_cookies: Vec<String>,
}

impl Web {
    /// The same browser (its cookies) talking to another instance at `base`.
    pub fn at(&self, base: &str) -> Web {
        Web {
            base: base.to_string(),
            client: client(),
            cookies: self.cookies.clone(),
            csrf: self.csrf.clone(),
            set_cookies: Vec::new(),
        }
    }

    pub fn new(base: &str) -> Web {
        Web {
            base: base.to_string(),
            client: client(),
            cookies: BTreeMap::new(),
            csrf: None,
            set_cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn absorb(&mut self, a: &Answer) {
        for v in a.headers.get_all(header::SET_COOKIE) {
            let Ok(s) = v.to_str() else { continue };
            self.set_cookies.push(s.to_string());
            let pair = s.split(';').next().unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() || s.to_ascii_lowercase().contains("max-age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
        if let Some(token) = meta_csrf(&a.body) {
            self.csrf = Some(token);
        }
    }

    /// GET a page.
    pub async fn get(&mut self, path: &str) -> Answer {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .insert_header((header::COOKIE, self.cookie_header()))
            .send()
            .await
            .expect("request sent");
        let a = read(res).await;
        self.absorb(&a);
        a
    }

    /// POST a form, adding the CSRF token unless `fields` has one.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut form: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if !fields.iter().any(|(k, _)| *k == "csrf_token") {
            if self.csrf.is_none() {
                self.get("/login").await;
            }
            form.push(("csrf_token".into(), self.csrf.clone().unwrap_or_default()));
        }
        self.post_raw(path, &form).await
    }

    /// POST exactly these fields (no token added).
    pub async fn post_raw(&mut self, path: &str, form: &[(String, String)]) -> Answer {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .insert_header((header::COOKIE, self.cookie_header()))
            .send_form(&form)
            .await
            .expect("request sent");
        let a = read(res).await;
        self.absorb(&a);
        a
    }

    /// POST `multipart/form-data`: text fields (the CSRF token added) and files `(field, name, bytes)`.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Answer {
        let mut fields: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
        fields.push(("csrf_token", self.csrf.clone().unwrap_or_default()));
        let (content_type, body) = multipart(&fields, files);
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .insert_header((header::COOKIE, self.cookie_header()))
            .insert_header((header::CONTENT_TYPE, content_type))
            .send_body(body)
            .await
            .expect("request sent");
        let a = read(res).await;
        self.absorb(&a);
        a
    }

    /// Signs in through the login form.
    pub async fn login(&mut self, login: &str, password: &str) -> (StatusCode, Answer) {
        self.get("/login").await;
        let a = self
            .post("/login", &[("login", login), ("password", password), ("next", "/")])
            .await;
        // The session was renewed: fetch the new CSRF token.
        if a.status == StatusCode::SEE_OTHER {
            self.get("/").await;
        }
        (a.status, a)
    }
}

/// A `multipart/form-data` body and its content type.
pub fn multipart(fields: &[(&str, String)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = format!("jobdesc{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    for (field, file_name, bytes) in files {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn meta_csrf(body: &str) -> Option<String> {
    let marker = "name=\"csrf-token\" content=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_string()).filter(|s| !s.is_empty())
}
