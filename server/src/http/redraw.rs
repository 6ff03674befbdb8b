//! What a page does when the office refuses what a form sent: the form again, with what
//! was typed, and either each field's problem (422) or the news that someone else saved
//! first (409). Every other refusal becomes the ordinary error page.

use crate::http::error::AppError;
use crate::office::OfficeError;
use axum::http::StatusCode;
use probity_domain::validation::FieldErrors;

/// How to draw a form again.
pub struct Redraw {
    pub errors: FieldErrors,
    /// Someone else saved first: show the saved version beside what was typed.
    pub stale: bool,
    pub status: StatusCode,
}

impl Redraw {
    /// A form drawn for the first time: no problems, 200.
    pub fn fresh() -> Redraw {
        Redraw {
            errors: FieldErrors::default(),
            stale: false,
            status: StatusCode::OK,
        }
    }

    /// The form's answer to an office refusal: `Ok` to draw the form again, `Err` for
    /// anything a form cannot fix.
    pub fn from_office(error: OfficeError) -> Result<Redraw, AppError> {
        match error {
            OfficeError::Invalid(errors) => Ok(Redraw {
                errors,
                stale: false,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            }),
            OfficeError::Stale => Ok(Redraw {
                errors: FieldErrors::default(),
                stale: true,
                status: StatusCode::CONFLICT,
            }),
            other => Err(other.into()),
        }
    }
}
