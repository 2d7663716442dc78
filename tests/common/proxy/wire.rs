//! The proxy's HTTP/1.1 wire: reading a request or an answer (Content-Length, chunked, or to
//! the end) and writing one, with the hop-by-hop headers rewritten. It knows nothing of AWS.

use std::io::{BufRead, Write};
use std::net::TcpStream;

pub(super) struct Request {
    pub head: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Headers that describe one connection or one framing, rewritten on each side.
pub(super) fn hop_header(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

pub(super) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

pub(super) fn read_head(r: &mut impl BufRead) -> Option<(String, Vec<(String, String)>)> {
    let mut first = String::new();
    if r.read_line(&mut first).ok()? == 0 {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    Some((first.trim_end().to_string(), headers))
}

/// A body framed by Content-Length or chunks; a response without either runs to EOF.
pub(super) fn read_body(
    r: &mut impl BufRead,
    headers: &[(String, String)],
    to_eof: bool,
) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    if header(headers, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
            let mut chunk = vec![0; size + 2];
            r.read_exact(&mut chunk).ok()?;
            if size == 0 {
                return Some(body);
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
    match header(headers, "content-length") {
        Some(n) => {
            body.resize(n.parse().ok()?, 0);
            r.read_exact(&mut body).ok()?;
        }
        None if to_eof => {
            r.read_to_end(&mut body).ok()?;
        }
        None => {}
    }
    Some(body)
}

pub(super) fn read_request(r: &mut impl BufRead) -> Option<Request> {
    let (head, headers) = read_head(r)?;
    let body = read_body(r, &headers, false)?;
    Some(Request {
        head,
        headers,
        body,
    })
}

pub(super) fn write_response(
    out: &mut TcpStream,
    status: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> bool {
    let mut msg = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers.iter().filter(|(k, _)| !hop_header(k)) {
        msg.push_str(&format!("{k}: {v}\r\n"));
    }
    msg.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    out.write_all(msg.as_bytes()).is_ok() && out.write_all(body).is_ok()
}
