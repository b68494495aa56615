//! `guidegen serve` under stress, on loopback only: malformed requests, a thousand connections at
//! once, slow clients, and the address it binds. Every loop is bounded in count and in time, every
//! socket has a timeout, and every server is killed when its test ends.

mod common;

use common::server::Server;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// How long any single socket operation may take before the test gives up on it.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

impl Server {
    fn start(extra: &[&str]) -> Server {
        Server::start_with("minimal", extra)
    }

    /// Panics unless the server process is still running.
    fn assert_alive(&mut self, after: &str) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("serve exited with {status:?} after {after}; stderr:\n{}", self.stderr());
        }
    }

    /// `GET /` answers 200 with the home page, within a few seconds.
    fn assert_home_page(&mut self, after: &str) {
        self.assert_alive(after);
        let started = Instant::now();
        let reply = exchange(
            self.address(),
            b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            false,
        );
        assert_eq!(reply.status(), Some(200), "GET / after {after}: {reply:?}");
        assert!(
            reply.text().contains("<!DOCTYPE html>"),
            "GET / after {after} gave no page: {reply:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "GET / after {after} took {:?}",
            started.elapsed()
        );
    }
}

/// What came back on one connection.
#[derive(Debug)]
enum Reply {
    /// Bytes, up to the server closing the connection.
    Bytes(Vec<u8>),
    /// The server closed (or reset) the connection without a response.
    Closed,
    /// Nothing within the timeout, connection still open.
    TimedOut,
}

impl Reply {
    fn status(&self) -> Option<u16> {
        match self {
            Reply::Bytes(bytes) => status_of(bytes),
            _ => None,
        }
    }

    fn text(&self) -> String {
        match self {
            Reply::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            _ => String::new(),
        }
    }
}

fn status_of(bytes: &[u8]) -> Option<u16> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).into_owned();
    let mut words = head.split_whitespace();
    if !words.next()?.starts_with("HTTP/1.") {
        return None;
    }
    words.next()?.parse().ok()
}

/// Sends `request` as raw bytes (optionally closing our sending side after it) and reads until
/// the server closes the connection, for at most `IO_TIMEOUT` per read.
fn exchange(address: SocketAddr, request: &[u8], close_after_sending: bool) -> Reply {
    let mut stream = TcpStream::connect_timeout(&address, IO_TIMEOUT).expect("connect to the server");
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    // The server may answer and close before a big request is fully sent: a failed write is fine,
    // what counts is what comes back.
    let _ = stream.write_all(request);
    if close_after_sending {
        let _ = stream.shutdown(Shutdown::Write);
    }
    read_reply(&mut stream)
}

fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return if bytes.is_empty() {
                    Reply::TimedOut
                } else {
                    Reply::Bytes(bytes)
                };
            }
            // A reset after (or instead of) an answer: keep what arrived.
            Err(_) => break,
        }
    }
    if bytes.is_empty() {
        Reply::Closed
    } else {
        Reply::Bytes(bytes)
    }
}

#[test]
fn malformed_requests_get_a_4xx_or_a_closed_connection_and_the_server_keeps_answering() {
    let mut server = Server::start(&[]);
    server.assert_home_page("start");
    let mut huge_header = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Huge: ".to_vec();
    huge_header.extend(std::iter::repeat_n(b'a', 1 << 20));
    huge_header.extend_from_slice(b"\r\n\r\n");
    let mut huge_path = b"GET /".to_vec();
    huge_path.extend(std::iter::repeat_n(b'a', 1 << 20));
    huge_path.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let mut long_path = b"GET /".to_vec();
    long_path.extend(std::iter::repeat_n(b'a', 64 * 1024));
    long_path.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let mut many_headers = b"GET / HTTP/1.1\r\nHost: localhost\r\n".to_vec();
    for n in 0..5_000 {
        many_headers.extend_from_slice(format!("X-Header-{n}: v\r\n").as_bytes());
    }
    many_headers.extend_from_slice(b"\r\n");
    let garbage: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let cases: Vec<(&str, Vec<u8>, bool)> = vec![
        ("garbage bytes", garbage, false),
        ("a request line with no version", b"GET /\r\n\r\n".to_vec(), false),
        (
            "a request line with no version, then a header",
            b"GET /\r\nHost: localhost\r\n\r\n".to_vec(),
            false,
        ),
        (
            "an unknown HTTP version",
            b"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n".to_vec(),
            false,
        ),
        (
            "an invalid method",
            b"G(T / HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec(),
            false,
        ),
        ("a 1 MB header", huge_header, false),
        ("5,000 headers", many_headers, false),
        ("a 1 MB path", huge_path, false),
        ("a 64 KB path", long_path, false),
        (
            "a space inside the path",
            b"GET /a b HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec(),
            false,
        ),
        (
            "a NUL inside the path",
            b"GET /\0 HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec(),
            false,
        ),
        (
            "a header without a colon",
            b"GET / HTTP/1.1\r\nHost localhost\r\n\r\n".to_vec(),
            false,
        ),
        (
            "a negative Content-Length",
            b"GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n".to_vec(),
            false,
        ),
        ("half a request, then close", b"GET / HTTP/1.1\r\nHo".to_vec(), true),
        ("only line breaks, then close", b"\r\n\r\n\r\n".to_vec(), true),
        ("nothing at all, then close", Vec::new(), true),
    ];
    for (what, request, close) in &cases {
        let started = Instant::now();
        let reply = exchange(server.address(), request, *close);
        let acceptable = match &reply {
            Reply::Closed => true,
            Reply::Bytes(_) => matches!(reply.status(), Some(400..=499)),
            Reply::TimedOut => false,
        };
        assert!(
            acceptable,
            "{what}: expected a 4xx answer or a closed connection, got {}",
            match &reply {
                Reply::Bytes(_) => reply.text().chars().take(200).collect::<String>(),
                other => format!("{other:?}"),
            }
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{what}: took {:?}",
            started.elapsed()
        );
        server.assert_home_page(what);
    }
    server.assert_home_page("all the malformed requests");
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
}

/// The soft limit on open files, raised to the hard limit where `prlimit` allows (Linux).
fn open_file_limit() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let read = || -> Option<(u64, u64)> {
            let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
            let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
            let mut numbers = line.split_whitespace().skip(3);
            let soft = numbers.next()?.parse().unwrap_or(u64::MAX);
            let hard = numbers.next()?.parse().unwrap_or(u64::MAX);
            Some((soft, hard))
        };
        let (soft, hard) = read()?;
        if soft < 4096 && hard > soft {
            let limit = if hard == u64::MAX {
                "unlimited".to_string()
            } else {
                hard.to_string()
            };
            let _ = std::process::Command::new("prlimit")
                .arg(format!("--pid={}", std::process::id()))
                .arg(format!("--nofile={limit}:{limit}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        read().map(|(soft, _)| soft)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[test]
fn a_thousand_concurrent_connections_are_all_answered() {
    // Raise our limit before the server starts, so it inherits the raised limit too.
    let limit = open_file_limit();
    let wanted = 1_000usize;
    // Both this process (shared with the other tests running beside it) and the server hold one
    // descriptor per connection; leave room for everything else.
    let count = match limit {
        Some(limit) if (limit as usize) < wanted + 100 => {
            let fewer = (limit as usize).saturating_sub(100).max(100);
            eprintln!("note: the open-file limit is {limit}; testing {fewer} connections instead of {wanted}");
            fewer
        }
        _ => wanted,
    };
    let mut server = Server::start(&[]);
    let deadline = Instant::now() + Duration::from_secs(60);
    let request = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

    // Open every connection first, so all of them are open at once.
    let mut streams = Vec::with_capacity(count);
    for n in 0..count {
        assert!(
            Instant::now() < deadline,
            "only {n} of {count} connections opened within 60 s"
        );
        let stream = TcpStream::connect_timeout(&server.address(), IO_TIMEOUT)
            .unwrap_or_else(|e| panic!("connection {n} of {count}: {e}"));
        stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
        streams.push(stream);
    }
    for (n, stream) in streams.iter_mut().enumerate() {
        stream
            .write_all(request)
            .unwrap_or_else(|e| panic!("sending on connection {n}: {e}"));
    }
    let mut answered = 0;
    let mut failures = Vec::new();
    for (n, stream) in streams.iter_mut().enumerate() {
        if Instant::now() >= deadline {
            failures.push(format!("connection {n} and later: 60 s deadline passed"));
            break;
        }
        let reply = read_reply(stream);
        if reply.status() == Some(200) && reply.text().contains("</html>") {
            answered += 1;
        } else if failures.len() < 5 {
            failures.push(format!(
                "connection {n}: {:?}",
                reply.status().map_or_else(|| format!("{reply:?}"), |s| s.to_string())
            ));
        }
    }
    drop(streams);
    assert_eq!(
        answered, count,
        "{answered} of {count} connections got a 200; first failures: {failures:?}"
    );
    server.assert_home_page("a thousand connections");
}

#[test]
fn slow_clients_do_not_hold_up_other_clients() {
    let mut server = Server::start(&[]);
    server.assert_home_page("start");
    // 37 bytes at one per 100 ms: each slow request takes about 3.7 s to arrive.
    let request: &'static [u8] = b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
    let slow_clients = 10;
    let address = server.address();
    let handles: Vec<_> = (0..slow_clients)
        .map(|_| {
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect_timeout(&address, IO_TIMEOUT).unwrap();
                stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
                stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
                stream.set_nodelay(true).unwrap();
                for byte in request {
                    stream.write_all(&[*byte]).unwrap();
                    std::thread::sleep(Duration::from_millis(100));
                }
                read_reply(&mut stream).status()
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // While the slow requests trickle in, a normal client is answered promptly, again and again.
    let mut quick_answers = 0;
    let until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < until {
        let started = Instant::now();
        let reply = exchange(
            server.address(),
            b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            false,
        );
        let took = started.elapsed();
        assert_eq!(reply.status(), Some(200), "GET / during the slow clients: {reply:?}");
        assert!(
            took < Duration::from_secs(5),
            "GET / took {took:?} while slow clients were sending"
        );
        quick_answers += 1;
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(quick_answers >= 5, "only {quick_answers} answers in 3 s");
    for handle in handles {
        assert_eq!(handle.join().unwrap(), Some(200), "a slow client still gets its page");
    }
    server.assert_home_page("the slow clients");
}

#[test]
fn serve_binds_loopback_by_default_and_warns_when_bound_to_every_interface() {
    let mut local = Server::start(&[]);
    assert_eq!(local.host, "127.0.0.1", "the default URL names loopback");
    local.assert_home_page("start");
    assert!(
        !local.stderr().contains("reachable from other machines"),
        "no warning on loopback: {}",
        local.stderr()
    );
    drop(local);

    // Bound to every interface for the shortest time it takes to read the warning; this test only
    // ever connects to 127.0.0.1.
    let mut everywhere = Server::start(&["--bind", "0.0.0.0"]);
    assert_eq!(everywhere.host, "0.0.0.0", "the URL names the address it was bound to");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !everywhere.stderr().contains("reachable from other machines") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let stderr = everywhere.stderr();
    assert!(
        stderr.contains("warning:") && stderr.contains("0.0.0.0") && stderr.contains("reachable from other machines"),
        "--bind 0.0.0.0 warns on stderr; stderr was:\n{stderr}"
    );
    everywhere.assert_home_page("--bind 0.0.0.0 (over loopback)");
}

#[test]
fn an_unfinished_request_or_a_silent_connection_is_dropped_after_a_timeout() {
    let mut server = Server::start(&[]);
    let mut unfinished = TcpStream::connect_timeout(&server.address(), IO_TIMEOUT).unwrap();
    unfinished.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n").unwrap();
    let mut silent = TcpStream::connect_timeout(&server.address(), IO_TIMEOUT).unwrap();
    // serve allows 10 s for a request's headers; allow six times that before calling it open.
    for stream in [&mut unfinished, &mut silent] {
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    }
    for (what, stream) in [
        ("an unfinished request", &mut unfinished),
        ("a silent connection", &mut silent),
    ] {
        let reply = read_reply(stream);
        assert!(
            matches!(reply, Reply::Closed) || matches!(reply.status(), Some(400..=499)),
            "{what} was still open after 60 s: {reply:?}"
        );
    }
    server.assert_home_page("dropping the unfinished connections");
}

#[test]
fn an_open_event_stream_outlives_the_header_timeout_and_still_announces_rebuilds() {
    let server = Server::start(&[]);
    let mut stream = TcpStream::connect_timeout(&server.address(), IO_TIMEOUT).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream
        .write_all(b"GET /__guidegen/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut received = String::new();
    let mut chunk = [0u8; 4096];
    let mut read_until = |stream: &mut TcpStream, wanted: &str, received: &mut String| {
        // Bounded: each read waits at most 30 s, and 100 reads are far more than the test needs.
        for _ in 0..100 {
            if received.contains(wanted) {
                return;
            }
            match stream.read(&mut chunk) {
                Ok(0) => panic!("the event stream closed before `{wanted}`; got:\n{received}"),
                Ok(n) => received.push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(e) => panic!("no `{wanted}` on the event stream ({e}); got:\n{received}"),
            }
        }
        panic!("no `{wanted}` on the event stream; got:\n{received}");
    };
    read_until(&mut stream, "text/event-stream", &mut received);
    // Longer than the 10 s serve allows for a request's headers.
    std::thread::sleep(Duration::from_secs(12));
    let guide = server.root().join("content/guides/first.md");
    let text = std::fs::read_to_string(&guide).unwrap();
    std::fs::write(&guide, format!("{text}\nOne more line.\n")).unwrap();
    read_until(&mut stream, "event: reload", &mut received);
}

#[test]
fn methods_other_than_get_and_head_are_refused() {
    let server = Server::start(&[]);
    for method in ["POST", "PUT", "DELETE", "BREW"] {
        let request =
            format!("{method} / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        let reply = exchange(server.address(), request.as_bytes(), false);
        assert!(
            matches!(reply.status(), Some(405 | 501)),
            "{method} /: {:?}",
            reply.status()
        );
    }
}
