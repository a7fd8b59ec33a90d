//! What happens around every request, in one middleware: it gets its id and `request`
//! span (`request_id`), a connection past its address's cap is refused and a body gets
//! its idle timeout (`connections`), an error actix wrote as plain text becomes JSON under
//! the API (`json_errors`), and the access line is written as the response ends
//! (`access_log`). One layer, not three: each `from_fn` layer boxed its own future and
//! called the next through a boxed service, on every request (docs/BENCHMARKS.md).

use std::future::{ready, Ready};
use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use futures::future::LocalBoxFuture;
use futures::FutureExt;
use tracing::Instrument;

use crate::{access_log, connections, json_errors, request_id};

/// The middleware, for `App::wrap`.
pub(crate) struct EveryRequest;

impl<S, B> Transform<S, ServiceRequest> for EveryRequest
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<access_log::Logged>;
    type Error = actix_web::Error;
    type Transform = Around<S>;
    type InitError = ();
    type Future = Ready<Result<Around<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(Around {
            service: Rc::new(service),
        }))
    }
}

/// The app's service with the middleware around it.
pub(crate) struct Around<S> {
    service: Rc<S>,
}

impl<S, B> Service<ServiceRequest> for Around<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<access_log::Logged>;
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let id = request_id::of(&req);
        let access = access_log::Request::of(&req);
        if connections::over_cap(&req) {
            let refused = req
                .into_response(connections::too_many())
                .map_into_boxed_body();
            return ready(Ok(access.logged(request_id::tagged(refused, &id), id))).boxed_local();
        }
        connections::bound_body(&mut req);
        let api = json_errors::is_api(req.path());
        let span = request_id::span(&id);
        let served = request_id::scope(id.clone(), self.service.call(req).instrument(span));
        async move {
            let mut response = served.await?.map_into_boxed_body();
            if api {
                response = json_errors::as_json(response);
            }
            Ok(access.logged(request_id::tagged(response, &id), id))
        }
        .boxed_local()
    }
}
