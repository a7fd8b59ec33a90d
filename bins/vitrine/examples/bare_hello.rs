//! The framework alone, as the read path's benchmark measures it (`scripts/bench-http.sh`):
//! one route answering a fixed 300-byte JSON body, with nothing of Vitrine around it.
//! Usage: `bare_hello ADDR WORKERS`.

use actix_web::{web, App, HttpResponse, HttpServer};

const BODY: &str = concat!(
    r#"{"id":"itm_0123456789abcdefghij","type":"image","url":"http://127.0.0.1/media/itm_0123456789abcdefghij/original","#,
    r#""width":1024,"height":768,"createdAt":"2026-11-30T12:00:00Z","tags":["alpine","amber"],"#,
    r#""title":"a fixed body of three hundred bytes","description":null,"favorite":false,"size":123456}"#
);

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8099".to_owned());
    let workers = args.next().and_then(|w| w.parse().ok()).unwrap_or(2);
    HttpServer::new(|| {
        App::new().route(
            "/hello",
            web::get().to(|| async {
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(BODY)
            }),
        )
    })
    .workers(workers)
    .bind(addr)?
    .run()
    .await
}
