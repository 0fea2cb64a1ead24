//! The one place admin access is decided, on the server: visitors and customers get a
//! 404 (the panel is not revealed), staff without the area's role get a 403.

use crate::error::AppError;
use crate::request::{Area, CurrentUser, RequestContext};

/// The decision itself, for a person (or nobody) and an area.
pub fn authorise(user: Option<CurrentUser>, area: Area) -> Result<CurrentUser, AppError> {
    match user {
        Some(user) if user.can(area) => Ok(user),
        Some(user) if user.is_staff() => Err(AppError::Forbidden),
        _ => Err(AppError::NotFound),
    }
}

/// The signed-in person of this request, if allowed in `area`. Pages and server functions
/// pass `RequestContext::current()`, form handlers and streams `RequestContext::of(parts)`.
/// A refusal also sets the page's status (where a page is being rendered), so a server
/// function called over HTTP answers 404/403 rather than a generic error.
pub fn require(request: &RequestContext, area: Area) -> Result<CurrentUser, AppError> {
    authorise(request.user.clone(), area).inspect_err(|error| {
        crate::error::set_page_status(error.status_code());
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::StaffRole;

    fn person(role: Option<StaffRole>) -> Option<CurrentUser> {
        Some(CurrentUser {
            id: 1,
            email: "a@example.com".into(),
            name: String::new(),
            role,
        })
    }

    #[test]
    fn outsiders_get_not_found_and_staff_get_forbidden() {
        assert_eq!(authorise(None, Area::Catalog), Err(AppError::NotFound));
        assert_eq!(
            authorise(person(None), Area::Catalog),
            Err(AppError::NotFound)
        );
        assert_eq!(
            authorise(person(Some(StaffRole::Sales)), Area::Catalog),
            Err(AppError::Forbidden)
        );
        assert!(authorise(person(Some(StaffRole::Marketing)), Area::Catalog).is_ok());
        assert!(authorise(person(Some(StaffRole::Admin)), Area::Staff).is_ok());
    }
}
