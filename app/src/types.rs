//! Types the pages share with the server: the vocabulary of people (from the domain crate)
//! and what every page needs to draw its shell.

pub use probity_domain::roles::{CurrentUser, Role};

/// What every page needs to draw its shell.
#[derive(Clone, Debug, Default)]
pub struct PageContext {
    /// The office's name, shown in the header and the title.
    pub office_name: String,
    /// Who is signed in, if anyone.
    pub user: Option<CurrentUser>,
    /// The anti-forgery token every form on the page must send back.
    pub csrf_token: String,
    /// True while the person must set up a second factor before anything else: the header
    /// then offers only that and sign-out.
    pub enrolling: bool,
}
