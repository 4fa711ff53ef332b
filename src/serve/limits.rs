//! The accept loop of `serve`, with limits, so no client (a runaway tab,
//! a slowloris script, 20,000 reload streams) can take the preview down:
//!
//! * at most [`Limits::connections`] connections are served at once; a
//!   connection beyond that waits up to [`Limits::queue_wait`] for a slot
//!   (at most [`Limits::waiting`] of them wait), and is otherwise answered
//!   `503 Service Unavailable` at once and closed — never left hanging;
//! * the reload streams of open pages are capped lower (`live.rs`,
//!   [`Limits::live`]), so pages are still answered while every stream
//!   slot is taken;
//! * at the limit, a new connection takes the slot of the oldest one that
//!   has been open for [`EVICT_AFTER`] without sending a whole request
//!   (slowloris), which is closed: a flood of such connections cannot
//!   keep pages from being answered;
//! * a client gets [`Limits::header_timeout`] to send a request's headers,
//!   the first or the next on a kept-alive connection (hyper's header read
//!   timeout), so slow or idle connections give their slot back;
//! * a response that makes no progress for [`Limits::write_timeout`] (a
//!   client that stopped reading) closes its connection.
//!
//! The numbers are documented in docs/reliability.md with how they were
//! measured (`bench/serve_limits.py`). Environment variables override them
//! ([`Limits::from_env`]), for tests and for unusual setups.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// The limits of one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Connections served at once.
    pub connections: usize,
    /// Connections waiting for a slot.
    pub waiting: usize,
    /// How long a connection waits for a slot before a 503.
    pub queue_wait: Duration,
    /// Reload streams (open pages) at once; beyond, a quick 503.
    pub live: usize,
    /// Time to send a request's headers.
    pub header_timeout: Duration,
    /// Time a response may make no progress.
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            connections: 512,
            waiting: 256,
            queue_wait: Duration::from_secs(1),
            live: 64,
            header_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
        }
    }
}

/// How long a connection may be open without a whole request before a
/// new connection at the limit may take its slot. A browser sends its
/// request at once.
pub(crate) const EVICT_AFTER: Duration = Duration::from_millis(500);

/// The environment variables that override [`Limits`], with what they set.
pub(crate) const ENV: &[(&str, &str)] = &[
    (
        "CROSSCHECK_SERVE_MAX_CONNECTIONS",
        "connections served at once",
    ),
    (
        "CROSSCHECK_SERVE_MAX_WAITING",
        "connections waiting for a slot",
    ),
    ("CROSSCHECK_SERVE_MAX_LIVE", "reload streams (open pages)"),
    (
        "CROSSCHECK_SERVE_HEADER_TIMEOUT_MS",
        "time to send a request's headers, ms",
    ),
    (
        "CROSSCHECK_SERVE_WRITE_TIMEOUT_MS",
        "time a response may make no progress, ms",
    ),
];

impl Limits {
    /// The defaults, with any of [`ENV`] that is set to a number.
    pub(crate) fn from_env() -> Limits {
        let get = |name: &str| -> Option<u64> {
            std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
        };
        let d = Limits::default();
        let count = |name, default: usize| get(name).map_or(default, |n| (n as usize).max(1));
        let ms = |name, default: Duration| {
            get(name).map_or(default, |n| Duration::from_millis(n.max(1)))
        };
        Limits {
            connections: count(ENV[0].0, d.connections),
            waiting: count(ENV[1].0, d.waiting),
            queue_wait: d.queue_wait,
            live: count(ENV[2].0, d.live),
            header_timeout: ms(ENV[3].0, d.header_timeout),
            write_timeout: ms(ENV[4].0, d.write_timeout),
        }
    }
}

/// Serves `router` on `listener` within `limits` until `stop` resolves,
/// then lets open requests finish (for at most two seconds).
pub(crate) async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.connections));
    let waiting = Arc::new(Semaphore::new(limits.waiting));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let service = hyper_util::service::TowerToHyperService::new(router);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let http = Arc::new(http);
    let open = Arc::new(Open::default());
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = &mut stop => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, or a connection reset before it
                // was accepted: wait a moment (descriptors free up as
                // connections close) rather than give up serving.
                if !matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::ConnectionReset
                        | io::ErrorKind::Interrupted
                ) {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let connection = Connection {
            http: http.clone(),
            service: service.clone(),
            watcher: graceful.watcher(),
            write_timeout: limits.write_timeout,
            open: open.clone(),
        };
        if let Ok(slot) = slots.clone().try_acquire_owned() {
            tokio::spawn(connection.serve(stream, slot));
        } else if let Ok(in_line) = waiting.clone().try_acquire_owned() {
            // Make room by closing a connection that never sent a request,
            // then wait a moment for its slot (or any): a short wait is
            // cheaper for a browser than an error it must retry.
            open.evict_one();
            let slots = slots.clone();
            tokio::spawn(async move {
                let slot = tokio::time::timeout(limits.queue_wait, slots.acquire_owned()).await;
                drop(in_line);
                match slot {
                    Ok(Ok(slot)) => connection.serve(stream, slot).await,
                    _ => refuse(stream).await,
                }
            });
        } else {
            tokio::spawn(refuse(stream));
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(2), graceful.shutdown()).await;
    Ok(())
}

type Service = hyper_util::service::TowerToHyperService<axum::Router>;

/// What serving one connection needs.
struct Connection {
    http: Arc<hyper::server::conn::http1::Builder>,
    service: Service,
    watcher: hyper_util::server::graceful::Watcher,
    write_timeout: Duration,
    open: Arc<Open>,
}

impl Connection {
    /// Serves `stream` until it closes (or is evicted), holding `slot`
    /// meanwhile.
    async fn serve(self, stream: TcpStream, slot: tokio::sync::OwnedSemaphorePermit) {
        use hyper::service::Service as _;
        let (id, requested, evicted) = self.open.add();
        let io = TokioIo::new(WriteTimeout::new(stream, self.write_timeout));
        let service = self.service;
        let seen = requested.clone();
        let service = hyper::service::service_fn(move |req| {
            seen.store(true, Ordering::Relaxed);
            service.call(req)
        });
        let conn = self.watcher.watch(self.http.serve_connection(io, service));
        tokio::select! {
            _ = conn => {}
            // Dropping the connection closes it.
            _ = evicted.notified() => {}
        }
        self.open.remove(id);
        drop(slot);
    }
}

/// The connections being served, for eviction.
#[derive(Default)]
struct Open {
    next: AtomicU64,
    by_id: Mutex<HashMap<u64, OpenConnection>>,
}

struct OpenConnection {
    since: Instant,
    /// Set once the connection has sent a whole request head.
    requested: Arc<AtomicBool>,
    evict: Arc<tokio::sync::Notify>,
}

impl Open {
    fn add(&self) -> (u64, Arc<AtomicBool>, Arc<tokio::sync::Notify>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let requested = Arc::new(AtomicBool::new(false));
        let evict = Arc::new(tokio::sync::Notify::new());
        self.by_id.lock().unwrap_or_else(|e| e.into_inner()).insert(
            id,
            OpenConnection {
                since: Instant::now(),
                requested: requested.clone(),
                evict: evict.clone(),
            },
        );
        (id, requested, evict)
    }

    fn remove(&self, id: u64) {
        self.by_id
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }

    /// Closes the oldest connection that has been open for
    /// [`EVICT_AFTER`] without a request, if any.
    fn evict_one(&self) {
        let mut by_id = self.by_id.lock().unwrap_or_else(|e| e.into_inner());
        let oldest = by_id
            .iter()
            .filter(|(_, c)| {
                !c.requested.load(Ordering::Relaxed) && c.since.elapsed() >= EVICT_AFTER
            })
            .min_by_key(|(_, c)| c.since)
            .map(|(id, _)| *id);
        if let Some(c) = oldest.and_then(|id| by_id.remove(&id)) {
            // `notify_one` keeps the wake-up if the task is not waiting yet.
            c.evict.notify_one();
        }
    }
}

/// Answers a connection there is no room for, without parsing its request.
async fn refuse(stream: TcpStream) {
    const BODY: &str = "crosscheck serve is at its connection limit; retry in a moment\n";
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{BODY}",
        BODY.len()
    );
    let bytes = response.as_bytes();
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let mut sent = 0;
        while sent < bytes.len() {
            if stream.writable().await.is_err() {
                return;
            }
            match stream.try_write(&bytes[sent..]) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => return,
            }
        }
        // Unread request bytes would make closing reset the connection,
        // and the client might lose the answer: read what has arrived.
        let mut sink = [0u8; 4096];
        while let Ok(n) = stream.try_read(&mut sink) {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

/// A TCP stream whose writes fail with `TimedOut` once one has made no
/// progress for the timeout: a client that stops reading cannot hold its
/// connection (and the response in memory) forever. Reads are untouched:
/// an open page's reload stream sends nothing for hours, by design.
struct WriteTimeout {
    inner: TcpStream,
    timeout: Duration,
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl WriteTimeout {
    fn new(inner: TcpStream, timeout: Duration) -> WriteTimeout {
        WriteTimeout {
            inner,
            timeout,
            stalled: None,
        }
    }

    /// Maps a write's poll: progress resets the clock, waiting runs it.
    fn watch<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        match poll {
            Poll::Ready(r) => {
                self.stalled = None;
                Poll::Ready(r)
            }
            Poll::Pending => {
                let timeout = self.timeout;
                let sleep = self
                    .stalled
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                ready!(sleep.as_mut().poll(cx));
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client stopped reading",
                )))
            }
        }
    }
}

impl AsyncRead for WriteTimeout {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for WriteTimeout {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.watch(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.watch(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.watch(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.watch(cx, poll)
    }
}
