//! Validation messages: what is wrong with which field of a submitted form, in words the
//! person can act on. Pages draw them; the office's rules produce them.

/// One message about one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The `name` (and `id`) of the field.
    pub field: &'static str,
    /// What is wrong, in words the person can act on.
    pub message: String,
}

/// The messages of one submitted form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Records a message for a field.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            message: message.into(),
        });
    }

    /// The first message for a field, if any.
    pub fn get(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.clone())
    }

    /// True when the form had no errors.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
