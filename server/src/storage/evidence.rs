//! Evidence storage: exhibits, who may see restricted ones, the chain of custody, and the
//! results of thumbnailing and text extraction. The SQL is shared by both backends.

use super::StoreResult;
use super::chains::Chain;
use async_trait::async_trait;
use probity_domain::evidence::{CustodyAction, CustodyEvent, Exhibit, OcrStatus};

/// An exhibit about to be recorded, its blob already durable.
#[derive(Clone, Debug)]
pub struct NewExhibit {
    pub case_id: i64,
    pub parent_exhibit_id: Option<i64>,
    pub description: String,
    pub original_filename: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub media_type: String,
    pub extension_mismatch: bool,
    pub provided_by: String,
    pub collected_by: String,
    pub collected_at: String,
    pub personal_data: bool,
    pub criminal_justice: bool,
    pub booking_photo: bool,
    pub restricted: bool,
    pub captured_by: String,
    pub captured_at: String,
    pub capture_device: String,
    pub capture_shows: String,
    pub ocr_status: OcrStatus,
    pub uploaded_by: i64,
    /// For a restricted exhibit: the case members who may see it.
    pub access: Vec<i64>,
}

/// Evidence storage.
#[async_trait]
pub trait EvidenceStore: Send + Sync {
    /// Records an exhibit with the next number of its case, its access list and its first
    /// custody step (received), in one transaction.
    async fn create_exhibit(&self, exhibit: NewExhibit) -> StoreResult<Exhibit>;
    /// The exhibits of a case that `user_id` may see, by number.
    async fn exhibits(&self, case_id: i64, user_id: i64) -> StoreResult<Vec<Exhibit>>;
    /// The newest integrity alarms of the office (stored evidence that no longer hashes to
    /// what was received), newest first.
    async fn integrity_alarms(
        &self,
        limit: i64,
    ) -> StoreResult<Vec<probity_domain::evidence::IntegrityAlarm>>;
    /// One page of the exhibits `user_id` may see, in exhibit order: at most `limit` after
    /// exhibit number `after` (0 for the first page).
    async fn exhibits_page(
        &self,
        case_id: i64,
        user_id: i64,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<Exhibit>>;
    /// One exhibit of a case (no access check: see [`EvidenceStore::exhibit_access`]).
    async fn exhibit(&self, case_id: i64, exhibit_id: i64) -> StoreResult<Option<Exhibit>>;
    /// Who is named on a restricted exhibit.
    async fn exhibit_access(&self, exhibit_id: i64) -> StoreResult<Vec<i64>>;
    /// Appends a custody step.
    async fn append_custody(
        &self,
        exhibit_id: i64,
        action: CustodyAction,
        user_id: i64,
        reason: &str,
        sha256: &str,
    ) -> StoreResult<()>;
    /// The chain of custody, oldest first.
    async fn custody(&self, exhibit_id: i64) -> StoreResult<Vec<CustodyEvent>>;
    /// Records the thumbnail's blob.
    async fn set_thumbnail(&self, exhibit_id: i64, sha256: &str) -> StoreResult<()>;
    /// Records the outcome of text extraction (and makes the text searchable).
    async fn set_ocr(
        &self,
        exhibit_id: i64,
        status: OcrStatus,
        text: Option<&str>,
        confidence: Option<i64>,
    ) -> StoreResult<()>;
    /// Every blob a row refers to: exhibits, thumbnails, report versions' and published
    /// reports' files.
    async fn referenced_blobs(&self) -> StoreResult<std::collections::HashSet<String>>;
    /// True when a row refers to this blob.
    async fn blob_in_use(&self, sha256: &str) -> StoreResult<bool>;
}

/// Every column that names a blob, as one query's union.
pub const BLOB_COLUMNS_SQL: &str = "select sha256 as blob from exhibits \
     union select thumbnail_sha256 from exhibits where thumbnail_sha256 is not null \
     union select internal_pdf_sha256 from report_versions where internal_pdf_sha256 is not null \
     union select public_pdf_sha256 from report_versions where public_pdf_sha256 is not null \
     union select public_html_sha256 from report_versions where public_html_sha256 is not null \
     union select public_json_sha256 from report_versions where public_json_sha256 is not null \
     union select public_model_sha256 from report_versions where public_model_sha256 is not null \
     union select public_pdf_sha256 from published_reports \
     union select public_html_sha256 from published_reports \
     union select public_json_sha256 from published_reports \
     union select public_model_sha256 from published_reports \
     union select sha256 from complaint_files";

const EXHIBIT_COLUMNS: &str = "e.exhibit_id, e.case_id, e.number, e.parent_exhibit_id, \
             e.description, e.original_filename, e.sha256, e.size_bytes, e.media_type, \
             e.extension_mismatch, e.provided_by, e.collected_by, e.collected_at, e.personal_data, \
             e.criminal_justice, e.booking_photo, e.restricted, e.captured_by, e.captured_at, \
             e.capture_device, e.capture_shows, e.thumbnail_sha256, e.ocr_status, e.ocr_text, e.ocr_confidence, \
             u.display_name as uploaded_by_name, e.uploaded_at";

fn exhibit_from_row<R>(row: &R) -> crate::storage::StoreResult<probity_domain::evidence::Exhibit>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> time::OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let ocr: String = row.try_get("ocr_status")?;
    Ok(probity_domain::evidence::Exhibit {
        exhibit_id: row.try_get("exhibit_id")?,
        case_id: row.try_get("case_id")?,
        number: row.try_get("number")?,
        parent_exhibit_id: row.try_get("parent_exhibit_id")?,
        description: row.try_get("description")?,
        original_filename: row.try_get("original_filename")?,
        sha256: row.try_get("sha256")?,
        size_bytes: row.try_get("size_bytes")?,
        media_type: row.try_get("media_type")?,
        extension_mismatch: row.try_get("extension_mismatch")?,
        provided_by: row.try_get("provided_by")?,
        collected_by: row.try_get("collected_by")?,
        collected_at: row.try_get("collected_at")?,
        personal_data: row.try_get("personal_data")?,
        criminal_justice: row.try_get("criminal_justice")?,
        booking_photo: row.try_get("booking_photo")?,
        restricted: row.try_get("restricted")?,
        captured_by: row.try_get("captured_by")?,
        captured_at: row.try_get("captured_at")?,
        capture_device: row.try_get("capture_device")?,
        capture_shows: row.try_get("capture_shows")?,
        thumbnail_sha256: row.try_get("thumbnail_sha256")?,
        ocr_status: probity_domain::evidence::OcrStatus::parse(&ocr)
            .ok_or_else(crate::storage::corrupt("ocr_status"))?,
        ocr_text: row.try_get("ocr_text")?,
        ocr_confidence: row.try_get("ocr_confidence")?,
        uploaded_by_name: row.try_get("uploaded_by_name")?,
        uploaded_at: row.try_get("uploaded_at")?,
    })
}

/// Records an exhibit in the caller's transaction (see `CaseRows::insert_exhibit`).
pub(crate) async fn insert_exhibit<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    exhibit: &NewExhibit,
    received: &str,
    now: time::OffsetDateTime,
) -> StoreResult<i64>
where
    S: crate::storage::cases::CaseRows + crate::storage::chains::ChainRows,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> bool: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> time::OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, S::Db>,
    for<'q> &'q String: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    usize: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
{
    // One statement both reserves and returns the number, so two uploads at once
    // cannot get the same one.
    let number: i64 = sqlx::query_scalar(
        "update cases set last_exhibit_number = last_exhibit_number + 1, updated_at = $2 \
                     where case_id = $1 returning last_exhibit_number",
    )
    .bind(exhibit.case_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let e = exhibit;
    let exhibit_id: i64 = sqlx::query_scalar(
                    "insert into exhibits (case_id, number, parent_exhibit_id, description, original_filename, \
                     sha256, size_bytes, media_type, extension_mismatch, provided_by, collected_by, collected_at, \
                     personal_data, criminal_justice, booking_photo, restricted, captured_by, captured_at, \
                     capture_device, capture_shows, thumbnail_sha256, ocr_status, ocr_text, uploaded_by, uploaded_at) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
                     $19, $20, null, $21, null, $22, $23) returning exhibit_id",
                )
                .bind(e.case_id)
                .bind(number)
                .bind(e.parent_exhibit_id)
                .bind(&e.description)
                .bind(&e.original_filename)
                .bind(&e.sha256)
                .bind(e.size_bytes)
                .bind(&e.media_type)
                .bind(e.extension_mismatch)
                .bind(&e.provided_by)
                .bind(&e.collected_by)
                .bind(&e.collected_at)
                .bind(e.personal_data)
                .bind(e.criminal_justice)
                .bind(e.booking_photo)
                .bind(e.restricted)
                .bind(&e.captured_by)
                .bind(&e.captured_at)
                .bind(&e.capture_device)
                .bind(&e.capture_shows)
                .bind(e.ocr_status.as_str())
                .bind(e.uploaded_by)
                .bind(now)
                .fetch_one(&mut **tx)
                .await?;
    if e.restricted {
        for user_id in &e.access {
            sqlx::query(
                "insert into exhibit_access (exhibit_id, user_id) values ($1, $2) \
                             on conflict (exhibit_id, user_id) do nothing",
            )
            .bind(exhibit_id)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    S::refresh_search(tx, e.case_id).await?;
    // The custody chain's head last, so that other custody writers wait only for this
    // statement and the commit.
    let head = S::chain_head(tx, Chain::Custody).await?;
    let custody_id: i64 = sqlx::query_scalar(
        "insert into custody_events (exhibit_id, action, user_id, occurred_at, reason, sha256) \
             values ($1, 'received', $2, $3, $4, $5) returning custody_event_id",
    )
    .bind(exhibit_id)
    .bind(e.uploaded_by)
    .bind(now)
    .bind(received)
    .bind(&e.sha256)
    .fetch_one(&mut **tx)
    .await?;
    S::seal_entry(tx, Chain::Custody, head, custody_id).await?;
    Ok(exhibit_id)
}

#[async_trait::async_trait]
impl<S> crate::storage::evidence::EvidenceStore for S
where
    S: crate::storage::backend::SqlBackend + crate::storage::cases::CaseRows,
    S: crate::storage::chains::ChainRows,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'a> &'a str: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    usize: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> bool: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> time::OffsetDateTime:
        sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, S::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, S::Db>,
    for<'q> Option<time::OffsetDateTime>: sqlx::Encode<'q, S::Db>,
    for<'q> i32: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, S::Db>,
    <S::Db as sqlx::Database>::QueryResult: crate::storage::backend::Affected,
{
    #[tracing::instrument(skip_all, fields(case_id = exhibit.case_id))]
    async fn create_exhibit(
        &self,
        exhibit: crate::storage::evidence::NewExhibit,
    ) -> crate::storage::StoreResult<probity_domain::evidence::Exhibit> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let received = format!("Uploaded as {}", exhibit.original_filename);
        let exhibit_id = S::insert_exhibit(&mut tx, &exhibit, &received, now).await?;
        tx.commit().await?;
        self.exhibit(exhibit.case_id, exhibit_id)
            .await?
            .ok_or(crate::storage::StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(case_id, user_id))]
    async fn exhibits(
        &self,
        case_id: i64,
        user_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::evidence::Exhibit>> {
        let sql = format!(
            "select {EXHIBIT_COLUMNS} from exhibits e join users u on u.user_id = e.uploaded_by \
                     where e.case_id = $1 and (e.restricted = false or exists \
                     (select 1 from exhibit_access a where a.exhibit_id = e.exhibit_id and a.user_id = $2)) \
                     order by e.number"
        );
        let rows = sqlx::query(&sql)
            .bind(case_id)
            .bind(user_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(exhibit_from_row).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn integrity_alarms(
        &self,
        limit: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::evidence::IntegrityAlarm>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
                    "select ce.occurred_at, ce.reason, e.exhibit_id, e.number, c.case_id, c.case_number \
                     from custody_events ce join exhibits e on e.exhibit_id = ce.exhibit_id \
                     join cases c on c.case_id = e.case_id \
                     where ce.action = 'integrity_failure' order by ce.custody_event_id desc limit $1",
                )
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| {
                Ok(probity_domain::evidence::IntegrityAlarm {
                    occurred_at: row.try_get("occurred_at")?,
                    detail: row.try_get("reason")?,
                    exhibit_id: row.try_get("exhibit_id")?,
                    exhibit_number: row.try_get("number")?,
                    case_id: row.try_get("case_id")?,
                    case_number: row.try_get("case_number")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id, after))]
    async fn exhibits_page(
        &self,
        case_id: i64,
        user_id: i64,
        after: i64,
        limit: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::evidence::Exhibit>> {
        let sql = format!(
            "select {EXHIBIT_COLUMNS} from exhibits e join users u on u.user_id = e.uploaded_by \
                     where e.case_id = $1 and e.number > $3 and (e.restricted = false or exists \
                     (select 1 from exhibit_access a where a.exhibit_id = e.exhibit_id and a.user_id = $2)) \
                     order by e.number limit $4"
        );
        let rows = sqlx::query(&sql)
            .bind(case_id)
            .bind(user_id)
            .bind(after)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(exhibit_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
    async fn exhibit(
        &self,
        case_id: i64,
        exhibit_id: i64,
    ) -> crate::storage::StoreResult<Option<probity_domain::evidence::Exhibit>> {
        let sql = format!(
            "select {EXHIBIT_COLUMNS} from exhibits e join users u on u.user_id = e.uploaded_by \
                     where e.case_id = $1 and e.exhibit_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(case_id)
            .bind(exhibit_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(exhibit_from_row).transpose()
    }

    #[tracing::instrument(skip_all, fields(exhibit_id))]
    async fn exhibit_access(&self, exhibit_id: i64) -> crate::storage::StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "select user_id from exhibit_access where exhibit_id = $1 order by user_id",
        )
        .bind(exhibit_id)
        .fetch_all(self.pool())
        .await?)
    }

    #[tracing::instrument(skip_all, fields(exhibit_id, action = action.as_str()))]
    async fn append_custody(
        &self,
        exhibit_id: i64,
        action: probity_domain::evidence::CustodyAction,
        user_id: i64,
        reason: &str,
        sha256: &str,
    ) -> crate::storage::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let head = S::chain_head(&mut tx, Chain::Custody).await?;
        let id: i64 = sqlx::query_scalar(
            "insert into custody_events (exhibit_id, action, user_id, occurred_at, reason, sha256) \
             values ($1, $2, $3, $4, $5, $6) returning custody_event_id",
        )
        .bind(exhibit_id)
        .bind(action.as_str())
        .bind(user_id)
        .bind(time::OffsetDateTime::now_utc())
        .bind(reason)
        .bind(sha256)
        .fetch_one(&mut *tx)
        .await?;
        S::seal_entry(&mut tx, Chain::Custody, head, id).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(exhibit_id))]
    async fn custody(
        &self,
        exhibit_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::evidence::CustodyEvent>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
                    "select c.action, u.display_name, c.occurred_at, c.reason, c.sha256 from custody_events c \
                     join users u on u.user_id = c.user_id where c.exhibit_id = $1 order by c.custody_event_id",
                )
                .bind(exhibit_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| {
                let action: String = row.try_get("action")?;
                Ok(probity_domain::evidence::CustodyEvent {
                    action: probity_domain::evidence::CustodyAction::parse(&action)
                        .ok_or_else(crate::storage::corrupt("action"))?,
                    user_name: row.try_get("display_name")?,
                    occurred_at: row.try_get("occurred_at")?,
                    reason: row.try_get("reason")?,
                    sha256: row.try_get("sha256")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(exhibit_id))]
    async fn set_thumbnail(
        &self,
        exhibit_id: i64,
        sha256: &str,
    ) -> crate::storage::StoreResult<()> {
        sqlx::query("update exhibits set thumbnail_sha256 = $1 where exhibit_id = $2")
            .bind(sha256)
            .bind(exhibit_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(exhibit_id))]
    async fn set_ocr(
        &self,
        exhibit_id: i64,
        status: probity_domain::evidence::OcrStatus,
        text: Option<&str>,
        confidence: Option<i64>,
    ) -> crate::storage::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let case_id: i64 = sqlx::query_scalar(
            "update exhibits set ocr_status = $1, ocr_text = $2, ocr_confidence = $3 \
                     where exhibit_id = $4 returning case_id",
        )
        .bind(status.as_str())
        .bind(text)
        .bind(confidence)
        .bind(exhibit_id)
        .fetch_one(&mut *tx)
        .await?;
        Self::refresh_search(&mut tx, case_id).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn blob_in_use(&self, sha256: &str) -> crate::storage::StoreResult<bool> {
        let used: bool = sqlx::query_scalar(
                    "select exists(select 1 from exhibits where sha256 = $1) \
                     or exists(select 1 from exhibits where thumbnail_sha256 = $1) \
                     or exists(select 1 from report_versions where $1 in (internal_pdf_sha256, \
                        public_pdf_sha256, public_html_sha256, public_json_sha256, public_model_sha256)) \
                     or exists(select 1 from published_reports where $1 in (public_pdf_sha256, \
                        public_html_sha256, public_json_sha256, public_model_sha256)) \
                     or exists(select 1 from complaint_files where sha256 = $1)",
                )
                .bind(sha256)
                .fetch_one(self.pool())
                .await?;
        Ok(used)
    }

    #[tracing::instrument(skip_all)]
    async fn referenced_blobs(
        &self,
    ) -> crate::storage::StoreResult<std::collections::HashSet<String>> {
        use sqlx::Row as _;
        let rows = sqlx::query(crate::storage::evidence::BLOB_COLUMNS_SQL)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| Ok(row.try_get::<String, _>("blob")?))
            .collect()
    }
}
