//! Report storage: findings with their citations, recommendations and their status history,
//! redactions and exhibit releases, report versions with their review, and published reports.
//!
//! A report version's text is written once (the database refuses to change it); only its
//! review state moves, and every move names the state it expects, so two reviewers acting at
//! once cannot both succeed. Published reports are append-only.

use super::StoreResult;
use super::backend::Affected as _;
use super::cases::CaseViewer;
use async_trait::async_trait;
use probity_domain::reports::{
    Finding, LeakHit, LeakRelease, PublishedReport, Recommendation, RecommendationStatus,
    RecommendationUpdate, Redaction, RedactionReason, ReportState, ReportVersion, ReviewComment,
};

/// A finding as saved by the form, validated.
#[derive(Clone, Debug)]
pub struct FindingInput {
    pub disposition: String,
    pub basis: String,
    pub analysis: String,
    pub event_ids: Vec<i64>,
    pub exhibit_ids: Vec<i64>,
}

/// A recommendation as saved by the form, validated.
#[derive(Clone, Debug)]
pub struct RecommendationInput {
    pub agency: String,
    pub body: String,
    pub response: String,
    pub status: RecommendationStatus,
    pub status_on: String,
    /// Why the status changed; recorded in the history when it did.
    pub note: String,
    pub significant: bool,
    pub priority: probity_domain::reports::RecommendationPriority,
    pub resolution: probity_domain::reports::RecommendationResolution,
    pub decision_on: Option<String>,
    pub response_received_on: Option<String>,
}

/// A recommendation as published: the report's latest edition it appears in, and the
/// recommendation as it stands now.
#[derive(Clone, Debug)]
pub struct PublishedRecommendationRow {
    pub report_number: String,
    pub edition: i64,
    pub title: String,
    /// The agency the report is about.
    pub report_agency: String,
    /// The first edition's publication: the report's date.
    pub first_published_at: time::OffsetDateTime,
    /// The frozen public model of the edition, whose redacted text is what was published.
    pub public_model_sha256: String,
    pub recommendation: Recommendation,
}

/// The files frozen at approval, by hash, and what the leak check found in them.
#[derive(Clone, Debug)]
pub struct Approval {
    pub internal_pdf_sha256: String,
    pub public_pdf_sha256: String,
    pub public_html_sha256: String,
    pub public_json_sha256: String,
    pub public_model_sha256: String,
    pub leak_hits: Vec<LeakHit>,
}

/// What a publication records besides the approved version's files.
#[derive(Clone, Debug)]
pub struct Publication {
    pub report_number: String,
    pub title: String,
    pub agency: String,
    pub summary: String,
    pub correction_note: String,
}

/// A page of the public list.
#[derive(Clone, Debug)]
pub struct PublishedPage {
    pub items: Vec<PublishedReport>,
    /// The id to pass as `before` for the next page.
    pub next: Option<i64>,
}

/// Report storage.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// The findings of a case, by allegation.
    async fn findings(&self, case_id: i64) -> StoreResult<Vec<Finding>>;
    /// Creates (`version` 0) or replaces a finding; stale when `version` is not current.
    async fn save_finding(
        &self,
        case_id: i64,
        allegation_id: i64,
        version: i64,
        input: FindingInput,
        by: i64,
    ) -> StoreResult<()>;

    /// A case's recommendations in number order.
    async fn recommendations(&self, case_id: i64) -> StoreResult<Vec<Recommendation>>;
    /// Adds a recommendation (R-n, the next number) with its first history entry.
    async fn create_recommendation(
        &self,
        case_id: i64,
        input: RecommendationInput,
        by: i64,
    ) -> StoreResult<Recommendation>;
    /// Saves a recommendation; a changed status or date adds to its history.
    async fn update_recommendation(
        &self,
        case_id: i64,
        recommendation_id: i64,
        version: i64,
        input: RecommendationInput,
        by: i64,
    ) -> StoreResult<()>;
    /// A recommendation's history, oldest first.
    async fn recommendation_history(
        &self,
        recommendation_id: i64,
    ) -> StoreResult<Vec<RecommendationUpdate>>;
    /// Open recommendations of cases the viewer may see, by agency then number; at most
    /// `limit`, starting after `after` (`(agency, recommendation id)`).
    async fn open_recommendations(
        &self,
        viewer: &CaseViewer,
        after: Option<(String, i64)>,
        limit: i64,
    ) -> StoreResult<Vec<Recommendation>>;

    /// Every recommendation in a published report: the latest edition of each report, with
    /// the recommendations written before it was published, newest report first.
    async fn published_recommendations(&self) -> StoreResult<Vec<PublishedRecommendationRow>>;

    /// A case's redactions.
    async fn redactions(&self, case_id: i64) -> StoreResult<Vec<Redaction>>;
    /// Adds a redaction; [`super::StoreError::Conflict`] when the text is already redacted.
    async fn add_redaction(
        &self,
        case_id: i64,
        text: &str,
        reason: RedactionReason,
        by: i64,
    ) -> StoreResult<i64>;
    /// Removes a redaction.
    async fn remove_redaction(&self, case_id: i64, redaction_id: i64) -> StoreResult<()>;
    /// The sensitive exhibits released for publication.
    async fn releases(&self, case_id: i64) -> StoreResult<Vec<i64>>;
    /// Releases an exhibit for publication or withdraws the release.
    async fn set_release(
        &self,
        case_id: i64,
        exhibit_id: i64,
        released: bool,
        by: i64,
    ) -> StoreResult<()>;
    /// Records a commissioner's release of one personal-data hit (its release key).
    async fn release_leak_hit(
        &self,
        case_id: i64,
        release_key: &str,
        reason: &str,
        by: i64,
    ) -> StoreResult<()>;
    /// The case's releases of personal-data hits.
    async fn leak_releases(&self, case_id: i64) -> StoreResult<Vec<LeakRelease>>;

    /// A case's report versions, newest first.
    async fn report_versions(&self, case_id: i64) -> StoreResult<Vec<ReportVersion>>;
    /// One report version.
    async fn report_version(
        &self,
        case_id: i64,
        version: i64,
    ) -> StoreResult<Option<ReportVersion>>;
    /// Saves a new version; stale unless `based_on` is the newest version (0: none yet).
    async fn save_report_version(
        &self,
        case_id: i64,
        based_on: i64,
        sections: &[(String, String)],
        by: i64,
    ) -> StoreResult<i64>;
    /// Moves the newest version from `from` to `to`, recording who and why; stale when it
    /// is not the newest or not in `from`. Comments are anchored to sections.
    #[allow(clippy::too_many_arguments)]
    async fn review_report(
        &self,
        case_id: i64,
        version: i64,
        from: ReportState,
        to: ReportState,
        by: i64,
        note: &str,
        comments: &[(String, String)],
    ) -> StoreResult<()>;
    /// Approves the newest version (submitted) and records its frozen files.
    async fn approve_report(
        &self,
        case_id: i64,
        version: i64,
        by: i64,
        approval: Approval,
    ) -> StoreResult<()>;
    /// The review comments on a version.
    async fn report_comments(&self, report_version_id: i64) -> StoreResult<Vec<ReviewComment>>;
    /// Publishes an approved version as the next edition of its report number.
    async fn publish_report(
        &self,
        case_id: i64,
        version: i64,
        by: i64,
        publication: Publication,
    ) -> StoreResult<PublishedReport>;
    /// Published reports, newest first, optionally matching words in their number, title,
    /// agency or summary.
    async fn published_reports(
        &self,
        query: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<PublishedPage>;
    /// One published edition.
    async fn published_report(
        &self,
        report_number: &str,
        edition: i64,
    ) -> StoreResult<Option<PublishedReport>>;
    /// A case's published editions, oldest first.
    async fn published_for_case(&self, case_id: i64) -> StoreResult<Vec<PublishedReport>>;
}

const REPORT_VERSION_COLUMNS: &str = "v.report_version_id, v.case_id, v.version, v.state, \
             v.sections, cu.display_name as created_by_name, v.created_at, \
             su.display_name as submitted_by_name, v.submitted_at, ru.display_name as reviewed_by_name, \
             v.reviewed_at, v.review_note, v.internal_pdf_sha256, v.public_pdf_sha256, \
             v.public_html_sha256, v.public_json_sha256, v.public_model_sha256, v.leak_report";
const REPORT_VERSION_FROM: &str = "report_versions v join users cu on cu.user_id = v.created_by \
             left join users su on su.user_id = v.submitted_by \
             left join users ru on ru.user_id = v.reviewed_by";
/// A recommendation's own columns, the first publication of a report version approved after
/// it was written (the model is frozen at approval, so that is when it was issued), and the
/// monetary results recorded against it, summed.
const RECOMMENDATION_COLUMNS: &str = "r.recommendation_id, r.case_id, c.case_number, r.number, \
             r.agency, r.body, r.response, r.status, r.status_on, r.version, r.significant, \
             r.priority, r.resolution, r.decision_on, r.response_received_on, \
             (select min(p.published_at) from published_reports p \
              join report_versions pv on pv.report_version_id = p.report_version_id \
              where p.case_id = r.case_id and pv.reviewed_at >= r.created_at) as issued_at, \
             (select cast(coalesce(sum(m.amount_minor), 0) as bigint) from case_money m \
              where m.recommendation_id = r.recommendation_id and m.kind = 'questioned_cost') \
              as questioned_minor, \
             (select cast(coalesce(sum(m.amount_minor), 0) as bigint) from case_money m \
              where m.recommendation_id = r.recommendation_id and m.kind = 'unsupported_cost') \
              as unsupported_minor, \
             (select cast(coalesce(sum(m.amount_minor), 0) as bigint) from case_money m \
              where m.recommendation_id = r.recommendation_id and m.kind = 'funds_better_use') \
              as better_use_minor";
const PUBLISHED_COLUMNS: &str = "published_id, case_id, report_version_id, report_number, \
             edition, title, agency, summary, correction_note, published_at, public_pdf_sha256, \
             public_html_sha256, public_json_sha256, public_model_sha256";

fn report_version_from_row<R>(
    row: &R,
) -> crate::storage::StoreResult<probity_domain::reports::ReportVersion>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> time::OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let state: String = row.try_get("state")?;
    let sections: String = row.try_get("sections")?;
    let sections: std::collections::BTreeMap<String, String> = serde_json::from_str(&sections)
        .map_err(|_| crate::storage::StoreError::Corrupt("sections"))?;
    let ordered = probity_domain::reports::SECTIONS
        .iter()
        .map(|(key, _, _)| {
            (
                key.to_string(),
                sections.get(*key).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let leak: Option<String> = row.try_get("leak_report")?;
    let leak_hits = leak
        .map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(|_| crate::storage::StoreError::Corrupt("leak_report"))?;
    Ok(probity_domain::reports::ReportVersion {
        report_version_id: row.try_get("report_version_id")?,
        case_id: row.try_get("case_id")?,
        version: row.try_get("version")?,
        state: probity_domain::reports::ReportState::parse(&state)
            .ok_or_else(crate::storage::corrupt("state"))?,
        sections: ordered,
        created_by_name: row.try_get("created_by_name")?,
        created_at: row.try_get("created_at")?,
        submitted_by_name: row.try_get("submitted_by_name")?,
        submitted_at: row.try_get("submitted_at")?,
        reviewed_by_name: row.try_get("reviewed_by_name")?,
        reviewed_at: row.try_get("reviewed_at")?,
        review_note: row.try_get("review_note")?,
        internal_pdf_sha256: row.try_get("internal_pdf_sha256")?,
        public_pdf_sha256: row.try_get("public_pdf_sha256")?,
        public_html_sha256: row.try_get("public_html_sha256")?,
        public_json_sha256: row.try_get("public_json_sha256")?,
        public_model_sha256: row.try_get("public_model_sha256")?,
        leak_hits,
    })
}

fn recommendation_from_row<R>(
    row: &R,
) -> crate::storage::StoreResult<probity_domain::reports::Recommendation>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> time::OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<time::OffsetDateTime>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let status: String = row.try_get("status")?;
    let priority: String = row.try_get("priority")?;
    let resolution: String = row.try_get("resolution")?;
    let issued_at: Option<time::OffsetDateTime> = row.try_get("issued_at")?;
    Ok(probity_domain::reports::Recommendation {
        recommendation_id: row.try_get("recommendation_id")?,
        case_id: row.try_get("case_id")?,
        case_number: row.try_get("case_number")?,
        number: row.try_get("number")?,
        agency: row.try_get("agency")?,
        body: row.try_get("body")?,
        response: row.try_get("response")?,
        status: probity_domain::reports::RecommendationStatus::parse(&status)
            .ok_or_else(crate::storage::corrupt("status"))?,
        status_on: row.try_get("status_on")?,
        version: row.try_get("version")?,
        significant: row.try_get("significant")?,
        priority: probity_domain::reports::RecommendationPriority::parse(&priority)
            .ok_or_else(crate::storage::corrupt("priority"))?,
        resolution: probity_domain::reports::RecommendationResolution::parse(&resolution)
            .ok_or_else(crate::storage::corrupt("resolution"))?,
        decision_on: row.try_get("decision_on")?,
        response_received_on: row.try_get("response_received_on")?,
        issued_on: issued_at.map(|at| at.date().to_string()),
        questioned_minor: row.try_get("questioned_minor")?,
        unsupported_minor: row.try_get("unsupported_minor")?,
        better_use_minor: row.try_get("better_use_minor")?,
    })
}

fn published_from_row<R>(
    row: &R,
) -> crate::storage::StoreResult<probity_domain::reports::PublishedReport>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> time::OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(probity_domain::reports::PublishedReport {
        published_id: row.try_get("published_id")?,
        case_id: row.try_get("case_id")?,
        report_version_id: row.try_get("report_version_id")?,
        report_number: row.try_get("report_number")?,
        edition: row.try_get("edition")?,
        title: row.try_get("title")?,
        agency: row.try_get("agency")?,
        summary: row.try_get("summary")?,
        correction_note: row.try_get("correction_note")?,
        published_at: row.try_get("published_at")?,
        public_pdf_sha256: row.try_get("public_pdf_sha256")?,
        public_html_sha256: row.try_get("public_html_sha256")?,
        public_json_sha256: row.try_get("public_json_sha256")?,
        public_model_sha256: row.try_get("public_model_sha256")?,
    })
}

/// Queries the store implementations of this module share.
#[async_trait::async_trait]
pub(crate) trait ReportRows: crate::storage::backend::SqlBackend {
    /// The newest version number of a case's report and its state, in a transaction.
    async fn newest_report(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        case_id: i64,
    ) -> crate::storage::StoreResult<Option<(i64, String)>>;
}

#[async_trait::async_trait]
impl<S> ReportRows for S
where
    S: crate::storage::backend::SqlBackend,
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
    /// The newest version number of a case's report and its state, in a transaction.
    async fn newest_report(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        case_id: i64,
    ) -> crate::storage::StoreResult<Option<(i64, String)>> {
        use sqlx::Row as _;
        let row = sqlx::query(
            "select version, state from report_versions where case_id = $1 \
                     order by version desc limit 1",
        )
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?;
        row.map(|row| Ok((row.try_get("version")?, row.try_get("state")?)))
            .transpose()
    }
}

#[async_trait::async_trait]
impl<S> crate::storage::reports::ReportStore for S
where
    S: crate::storage::backend::SqlBackend + crate::storage::cases::CaseRows + ReportRows,
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
    #[tracing::instrument(skip_all, fields(case_id))]
    async fn findings(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::reports::Finding>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
            "select f.finding_id, f.allegation_id, f.disposition, f.basis, f.analysis, \
                     u.display_name as updated_by_name, f.updated_at, f.version \
                     from findings f join users u on u.user_id = f.updated_by \
                     where f.case_id = $1 order by f.allegation_id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        let citations = sqlx::query(
            "select fc.finding_id, fc.kind, fc.target_id from finding_citations fc \
                     join findings f on f.finding_id = fc.finding_id where f.case_id = $1 \
                     order by fc.target_id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        let mut findings = Vec::with_capacity(rows.len());
        for row in &rows {
            let finding_id: i64 = row.try_get("finding_id")?;
            let mut event_ids = Vec::new();
            let mut exhibit_ids = Vec::new();
            for citation in &citations {
                if citation.try_get::<i64, _>("finding_id")? != finding_id {
                    continue;
                }
                let kind: String = citation.try_get("kind")?;
                let target: i64 = citation.try_get("target_id")?;
                if kind == "event" {
                    event_ids.push(target);
                } else {
                    exhibit_ids.push(target);
                }
            }
            findings.push(probity_domain::reports::Finding {
                finding_id,
                allegation_id: row.try_get("allegation_id")?,
                disposition: row.try_get("disposition")?,
                basis: row.try_get("basis")?,
                analysis: row.try_get("analysis")?,
                event_ids,
                exhibit_ids,
                updated_by_name: row.try_get("updated_by_name")?,
                updated_at: row.try_get("updated_at")?,
                version: row.try_get("version")?,
            });
        }
        Ok(findings)
    }

    #[tracing::instrument(skip_all, fields(case_id, allegation_id))]
    async fn save_finding(
        &self,
        case_id: i64,
        allegation_id: i64,
        version: i64,
        input: crate::storage::reports::FindingInput,
        by: i64,
    ) -> crate::storage::StoreResult<()> {
        use sqlx::Row as _;
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let existing = sqlx::query(
            "select finding_id, version from findings where allegation_id = $1 and case_id = $2",
        )
        .bind(allegation_id)
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?;
        let finding_id: i64 = match existing {
            None if version == 0 => sqlx::query(
                "insert into findings (case_id, allegation_id, disposition, basis, analysis, \
                         updated_by, updated_at, version) values ($1, $2, $3, $4, $5, $6, $7, 1) \
                         returning finding_id",
            )
            .bind(case_id)
            .bind(allegation_id)
            .bind(&input.disposition)
            .bind(&input.basis)
            .bind(&input.analysis)
            .bind(by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("finding_id")?,
            Some(row) if row.try_get::<i64, _>("version")? == version => {
                let finding_id: i64 = row.try_get("finding_id")?;
                sqlx::query(
                    "update findings set disposition = $1, basis = $2, analysis = $3, \
                             updated_by = $4, updated_at = $5, version = version + 1 \
                             where finding_id = $6 and version = $7",
                )
                .bind(&input.disposition)
                .bind(&input.basis)
                .bind(&input.analysis)
                .bind(by)
                .bind(now)
                .bind(finding_id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                sqlx::query("delete from finding_citations where finding_id = $1")
                    .bind(finding_id)
                    .execute(&mut *tx)
                    .await?;
                finding_id
            }
            _ => return Err(crate::storage::StoreError::Stale),
        };
        for (kind, ids) in [("event", &input.event_ids), ("exhibit", &input.exhibit_ids)] {
            for id in ids {
                sqlx::query(
                            "insert into finding_citations (finding_id, kind, target_id) values ($1, $2, $3) \
                             on conflict (finding_id, kind, target_id) do nothing",
                        )
                        .bind(finding_id)
                        .bind(kind)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn recommendations(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::reports::Recommendation>> {
        let rows = sqlx::query(&format!(
            "select {RECOMMENDATION_COLUMNS} from recommendations r \
                     join cases c on c.case_id = r.case_id where r.case_id = $1 order by r.number"
        ))
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(recommendation_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn create_recommendation(
        &self,
        case_id: i64,
        input: crate::storage::reports::RecommendationInput,
        by: i64,
    ) -> crate::storage::StoreResult<probity_domain::reports::Recommendation> {
        use sqlx::Row as _;
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let number: i64 = sqlx::query(
            "select coalesce(max(number), 0) + 1 as next from recommendations where case_id = $1",
        )
        .bind(case_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("next")?;
        let recommendation_id: i64 = sqlx::query(
            "insert into recommendations (case_id, number, agency, body, response, status, \
                     status_on, created_at, updated_at, version, significant, priority, \
                     resolution, decision_on, response_received_on) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1, $9, $10, $11, $12, $13) \
                     returning recommendation_id",
        )
        .bind(case_id)
        .bind(number)
        .bind(&input.agency)
        .bind(&input.body)
        .bind(&input.response)
        .bind(input.status.as_str())
        .bind(&input.status_on)
        .bind(now)
        .bind(input.significant)
        .bind(input.priority.as_str())
        .bind(input.resolution.as_str())
        .bind(&input.decision_on)
        .bind(&input.response_received_on)
        .fetch_one(&mut *tx)
        .await?
        .try_get("recommendation_id")?;
        sqlx::query(
            "insert into recommendation_updates (recommendation_id, status, status_on, note, \
                     updated_by, updated_at) values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(recommendation_id)
        .bind(input.status.as_str())
        .bind(&input.status_on)
        .bind(&input.note)
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(&format!(
            "select {RECOMMENDATION_COLUMNS} from recommendations r \
                     join cases c on c.case_id = r.case_id where r.recommendation_id = $1"
        ))
        .bind(recommendation_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        recommendation_from_row(&row)
    }

    #[tracing::instrument(skip_all, fields(case_id, recommendation_id))]
    async fn update_recommendation(
        &self,
        case_id: i64,
        recommendation_id: i64,
        version: i64,
        input: crate::storage::reports::RecommendationInput,
        by: i64,
    ) -> crate::storage::StoreResult<()> {
        use sqlx::Row as _;
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let current = sqlx::query(
            "select status, status_on, version from recommendations \
                     where recommendation_id = $1 and case_id = $2",
        )
        .bind(recommendation_id)
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(crate::storage::StoreError::NotFound)?;
        if current.try_get::<i64, _>("version")? != version {
            return Err(crate::storage::StoreError::Stale);
        }
        let old_status: String = current.try_get("status")?;
        let old_on: String = current.try_get("status_on")?;
        let updated = sqlx::query(
            "update recommendations set agency = $1, body = $2, response = $3, status = $4, \
                     status_on = $5, updated_at = $6, version = version + 1, significant = $9, \
                     priority = $10, resolution = $11, decision_on = $12, \
                     response_received_on = $13 \
                     where recommendation_id = $7 and version = $8",
        )
        .bind(&input.agency)
        .bind(&input.body)
        .bind(&input.response)
        .bind(input.status.as_str())
        .bind(&input.status_on)
        .bind(now)
        .bind(recommendation_id)
        .bind(version)
        .bind(input.significant)
        .bind(input.priority.as_str())
        .bind(input.resolution.as_str())
        .bind(&input.decision_on)
        .bind(&input.response_received_on)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(crate::storage::StoreError::Stale);
        }
        if old_status != input.status.as_str()
            || old_on != input.status_on
            || !input.note.is_empty()
        {
            sqlx::query(
                "insert into recommendation_updates (recommendation_id, status, status_on, note, \
                         updated_by, updated_at) values ($1, $2, $3, $4, $5, $6)",
            )
            .bind(recommendation_id)
            .bind(input.status.as_str())
            .bind(&input.status_on)
            .bind(&input.note)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(recommendation_id))]
    async fn recommendation_history(
        &self,
        recommendation_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::reports::RecommendationUpdate>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
            "select h.status, h.status_on, h.note, u.display_name, h.updated_at \
                     from recommendation_updates h join users u on u.user_id = h.updated_by \
                     where h.recommendation_id = $1 order by h.update_id",
        )
        .bind(recommendation_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let status: String = row.try_get("status")?;
                Ok(probity_domain::reports::RecommendationUpdate {
                    status: probity_domain::reports::RecommendationStatus::parse(&status)
                        .ok_or_else(crate::storage::corrupt("status"))?,
                    status_on: row.try_get("status_on")?,
                    note: row.try_get("note")?,
                    updated_by_name: row.try_get("display_name")?,
                    updated_at: row.try_get("updated_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn open_recommendations(
        &self,
        viewer: &crate::storage::cases::CaseViewer,
        after: Option<(String, i64)>,
        limit: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::reports::Recommendation>> {
        let (agency, id) = after.unwrap_or_default();
        let rows = sqlx::query(&format!(
            "select {RECOMMENDATION_COLUMNS} from recommendations r \
                     join cases c on c.case_id = r.case_id \
                     where r.status in ('open', 'accepted', 'partially_implemented') and {} \
                     and (r.agency > $2 or (r.agency = $2 and r.recommendation_id > $3)) \
                     order by r.agency, r.recommendation_id limit $4",
            crate::storage::cases::visibility(viewer)
        ))
        .bind(viewer.user_id)
        .bind(agency)
        .bind(id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(recommendation_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn redactions(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::reports::Redaction>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
                    "select r.redaction_id, r.text, r.reason, u.display_name from redactions r \
                     join users u on u.user_id = r.created_by where r.case_id = $1 order by r.redaction_id",
                )
                .bind(case_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| {
                let reason: String = row.try_get("reason")?;
                Ok(probity_domain::reports::Redaction {
                    redaction_id: row.try_get("redaction_id")?,
                    text: row.try_get("text")?,
                    reason: probity_domain::reports::RedactionReason::parse(&reason)
                        .ok_or_else(crate::storage::corrupt("reason"))?,
                    created_by_name: row.try_get("display_name")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn add_redaction(
        &self,
        case_id: i64,
        text: &str,
        reason: probity_domain::reports::RedactionReason,
        by: i64,
    ) -> crate::storage::StoreResult<i64> {
        use sqlx::Row as _;
        Ok(sqlx::query(
            "insert into redactions (case_id, text, reason, created_by, created_at) \
                     values ($1, $2, $3, $4, $5) returning redaction_id",
        )
        .bind(case_id)
        .bind(text)
        .bind(reason.as_str())
        .bind(by)
        .bind(time::OffsetDateTime::now_utc())
        .fetch_one(self.pool())
        .await?
        .try_get("redaction_id")?)
    }

    #[tracing::instrument(skip_all, fields(case_id, redaction_id))]
    async fn remove_redaction(
        &self,
        case_id: i64,
        redaction_id: i64,
    ) -> crate::storage::StoreResult<()> {
        let done = sqlx::query("delete from redactions where redaction_id = $1 and case_id = $2")
            .bind(redaction_id)
            .bind(case_id)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(crate::storage::StoreError::NotFound);
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn releases(&self, case_id: i64) -> crate::storage::StoreResult<Vec<i64>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
            "select exhibit_id from report_releases where case_id = $1 order by exhibit_id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok(row.try_get("exhibit_id")?))
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
    async fn set_release(
        &self,
        case_id: i64,
        exhibit_id: i64,
        released: bool,
        by: i64,
    ) -> crate::storage::StoreResult<()> {
        if released {
            sqlx::query(
                "insert into report_releases (case_id, exhibit_id, released_by, released_at) \
                         values ($1, $2, $3, $4) on conflict (case_id, exhibit_id) do nothing",
            )
            .bind(case_id)
            .bind(exhibit_id)
            .bind(by)
            .bind(time::OffsetDateTime::now_utc())
            .execute(self.pool())
            .await?;
        } else {
            sqlx::query("delete from report_releases where case_id = $1 and exhibit_id = $2")
                .bind(case_id)
                .bind(exhibit_id)
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn release_leak_hit(
        &self,
        case_id: i64,
        release_key: &str,
        reason: &str,
        by: i64,
    ) -> crate::storage::StoreResult<()> {
        sqlx::query(
                    "insert into report_leak_releases (case_id, release_key, reason, released_by, released_at) \
                     values ($1, $2, $3, $4, $5) on conflict (case_id, release_key) do nothing",
                )
                .bind(case_id)
                .bind(release_key)
                .bind(reason)
                .bind(by)
                .bind(time::OffsetDateTime::now_utc())
                .execute(self.pool())
                .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn leak_releases(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::reports::LeakRelease>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
            "select r.release_key, r.reason, u.display_name, r.released_at \
                     from report_leak_releases r join users u on u.user_id = r.released_by \
                     where r.case_id = $1 order by r.released_at",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(probity_domain::reports::LeakRelease {
                    release_key: row.try_get("release_key")?,
                    reason: row.try_get("reason")?,
                    released_by_name: row.try_get("display_name")?,
                    released_at: row.try_get("released_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn report_versions(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::reports::ReportVersion>> {
        let rows = sqlx::query(&format!(
            "select {REPORT_VERSION_COLUMNS} from {REPORT_VERSION_FROM} \
                     where v.case_id = $1 order by v.version desc"
        ))
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(report_version_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(case_id, version))]
    async fn report_version(
        &self,
        case_id: i64,
        version: i64,
    ) -> crate::storage::StoreResult<Option<probity_domain::reports::ReportVersion>> {
        let row = sqlx::query(&format!(
            "select {REPORT_VERSION_COLUMNS} from {REPORT_VERSION_FROM} \
                     where v.case_id = $1 and v.version = $2"
        ))
        .bind(case_id)
        .bind(version)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(report_version_from_row).transpose()
    }

    #[tracing::instrument(skip_all, fields(case_id, based_on))]
    async fn save_report_version(
        &self,
        case_id: i64,
        based_on: i64,
        sections: &[(String, String)],
        by: i64,
    ) -> crate::storage::StoreResult<i64> {
        let map: std::collections::BTreeMap<&str, &str> = sections
            .iter()
            .map(|(key, text)| (key.as_str(), text.as_str()))
            .collect();
        let json = serde_json::to_string(&map)
            .map_err(|_| crate::storage::StoreError::Corrupt("sections"))?;
        let mut tx = self.begin_write().await?;
        let newest = Self::newest_report(&mut tx, case_id)
            .await?
            .map(|(v, _)| v)
            .unwrap_or(0);
        if newest != based_on {
            return Err(crate::storage::StoreError::Stale);
        }
        let version = newest + 1;
        sqlx::query(
                    "insert into report_versions (case_id, version, state, sections, created_by, created_at) \
                     values ($1, $2, 'draft', $3, $4, $5)",
                )
                .bind(case_id)
                .bind(version)
                .bind(json)
                .bind(by)
                .bind(time::OffsetDateTime::now_utc())
                .execute(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(version)
    }

    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(skip_all, fields(case_id, version))]
    async fn review_report(
        &self,
        case_id: i64,
        version: i64,
        from: probity_domain::reports::ReportState,
        to: probity_domain::reports::ReportState,
        by: i64,
        note: &str,
        comments: &[(String, String)],
    ) -> crate::storage::StoreResult<()> {
        use probity_domain::reports::ReportState;
        use sqlx::Row as _;
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        match Self::newest_report(&mut tx, case_id).await? {
            Some((newest, state)) if newest == version && state == from.as_str() => {}
            _ => return Err(crate::storage::StoreError::Stale),
        }
        let sql = if to == ReportState::Submitted {
            "update report_versions set state = $1, submitted_by = $2, submitted_at = $3 \
                     where case_id = $4 and version = $5 and state = $6"
        } else {
            "update report_versions set state = $1, reviewed_by = $2, reviewed_at = $3, \
                     review_note = $7 where case_id = $4 and version = $5 and state = $6"
        };
        let mut query = sqlx::query(sql)
            .bind(to.as_str())
            .bind(by)
            .bind(now)
            .bind(case_id)
            .bind(version)
            .bind(from.as_str());
        if to != ReportState::Submitted {
            query = query.bind(note);
        }
        if query.execute(&mut *tx).await?.rows_affected() != 1 {
            return Err(crate::storage::StoreError::Stale);
        }
        let report_version_id: i64 = sqlx::query(
            "select report_version_id from report_versions where case_id = $1 and version = $2",
        )
        .bind(case_id)
        .bind(version)
        .fetch_one(&mut *tx)
        .await?
        .try_get("report_version_id")?;
        for (section, body) in comments {
            sqlx::query(
                        "insert into report_comments (report_version_id, section, body, author_id, created_at) \
                         values ($1, $2, $3, $4, $5)",
                    )
                    .bind(report_version_id)
                    .bind(section)
                    .bind(body)
                    .bind(by)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id, version))]
    async fn approve_report(
        &self,
        case_id: i64,
        version: i64,
        by: i64,
        approval: crate::storage::reports::Approval,
    ) -> crate::storage::StoreResult<()> {
        let leak = serde_json::to_string(&approval.leak_hits)
            .map_err(|_| crate::storage::StoreError::Corrupt("leak_report"))?;
        let mut tx = self.begin_write().await?;
        match Self::newest_report(&mut tx, case_id).await? {
            Some((newest, state)) if newest == version && state == "submitted" => {}
            _ => return Err(crate::storage::StoreError::Stale),
        }
        let done = sqlx::query(
            "update report_versions set state = 'approved', reviewed_by = $1, reviewed_at = $2, \
                     internal_pdf_sha256 = $3, public_pdf_sha256 = $4, public_html_sha256 = $5, \
                     public_json_sha256 = $6, public_model_sha256 = $7, leak_report = $8 \
                     where case_id = $9 and version = $10 and state = 'submitted'",
        )
        .bind(by)
        .bind(time::OffsetDateTime::now_utc())
        .bind(&approval.internal_pdf_sha256)
        .bind(&approval.public_pdf_sha256)
        .bind(&approval.public_html_sha256)
        .bind(&approval.public_json_sha256)
        .bind(&approval.public_model_sha256)
        .bind(leak)
        .bind(case_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(crate::storage::StoreError::Stale);
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(report_version_id))]
    async fn report_comments(
        &self,
        report_version_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::reports::ReviewComment>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
            "select c.section, c.body, u.display_name, c.created_at from report_comments c \
                     join users u on u.user_id = c.author_id where c.report_version_id = $1 \
                     order by c.comment_id",
        )
        .bind(report_version_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(probity_domain::reports::ReviewComment {
                    section: row.try_get("section")?,
                    body: row.try_get("body")?,
                    author_name: row.try_get("display_name")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id, version))]
    async fn publish_report(
        &self,
        case_id: i64,
        version: i64,
        by: i64,
        publication: crate::storage::reports::Publication,
    ) -> crate::storage::StoreResult<probity_domain::reports::PublishedReport> {
        use sqlx::Row as _;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "select report_version_id, state, public_pdf_sha256, public_html_sha256, \
                     public_json_sha256, public_model_sha256 from report_versions \
                     where case_id = $1 and version = $2",
        )
        .bind(case_id)
        .bind(version)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(crate::storage::StoreError::NotFound)?;
        let state: String = row.try_get("state")?;
        if state != "approved" {
            return Err(crate::storage::StoreError::Stale);
        }
        let file = |column: &'static str| -> crate::storage::StoreResult<String> {
            row.try_get::<Option<String>, _>(column)?
                .ok_or(crate::storage::StoreError::Corrupt(column))
        };
        let edition: i64 = sqlx::query(
                    "select coalesce(max(edition), 0) + 1 as next from published_reports where report_number = $1",
                )
                .bind(&publication.report_number)
                .fetch_one(&mut *tx)
                .await?
                .try_get("next")?;
        let published = sqlx::query(&format!(
                    "insert into published_reports (case_id, report_version_id, report_number, edition, \
                     title, agency, summary, correction_note, published_by, published_at, \
                     public_pdf_sha256, public_html_sha256, public_json_sha256, public_model_sha256) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                     returning {PUBLISHED_COLUMNS}"
                ))
                .bind(case_id)
                .bind(row.try_get::<i64, _>("report_version_id")?)
                .bind(&publication.report_number)
                .bind(edition)
                .bind(&publication.title)
                .bind(&publication.agency)
                .bind(&publication.summary)
                .bind(&publication.correction_note)
                .bind(by)
                .bind(time::OffsetDateTime::now_utc())
                .bind(file("public_pdf_sha256")?)
                .bind(file("public_html_sha256")?)
                .bind(file("public_json_sha256")?)
                .bind(file("public_model_sha256")?)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query(
                    "update report_versions set state = 'published' where case_id = $1 and version = $2 and state = 'approved'",
                )
                .bind(case_id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
        tx.commit().await?;
        published_from_row(&published)
    }

    #[tracing::instrument(skip_all)]
    async fn published_recommendations(
        &self,
    ) -> crate::storage::StoreResult<Vec<crate::storage::reports::PublishedRecommendationRow>> {
        use sqlx::Row as _;
        let rows = sqlx::query(&format!(
            "select pr.report_number, pr.edition, pr.title, pr.agency as report_agency, \
                     pr.public_model_sha256, (select min(f.published_at) from published_reports f \
                     where f.report_number = pr.report_number) as first_published_at, \
                     {RECOMMENDATION_COLUMNS} \
                     from published_reports pr \
                     join report_versions pv on pv.report_version_id = pr.report_version_id \
                     join recommendations r on r.case_id = pr.case_id \
                     and r.created_at <= pv.reviewed_at \
                     join cases c on c.case_id = r.case_id \
                     where pr.edition = (select max(e.edition) from published_reports e \
                     where e.report_number = pr.report_number) \
                     order by first_published_at desc, pr.report_number, r.number"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(crate::storage::reports::PublishedRecommendationRow {
                    report_number: row.try_get("report_number")?,
                    edition: row.try_get("edition")?,
                    title: row.try_get("title")?,
                    report_agency: row.try_get("report_agency")?,
                    first_published_at: row.try_get("first_published_at")?,
                    public_model_sha256: row.try_get("public_model_sha256")?,
                    recommendation: recommendation_from_row(row)?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn published_reports(
        &self,
        query: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> crate::storage::StoreResult<crate::storage::reports::PublishedPage> {
        let words: Vec<String> = query
            .unwrap_or("")
            .split_whitespace()
            .take(8)
            .map(crate::storage::like_contains)
            .collect();
        let mut sql =
            format!("select {PUBLISHED_COLUMNS} from published_reports where published_id < $1");
        for index in 0..words.len() {
            sql.push_str(&format!(
                " and lower(report_number || ' ' || title || ' ' || agency || ' ' || summary) \
                         like ${} escape '\\'",
                index + 3
            ));
        }
        sql.push_str(" order by published_id desc limit $2");
        let mut statement = sqlx::query(&sql)
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit + 1);
        for word in &words {
            statement = statement.bind(word);
        }
        let rows = statement.fetch_all(self.pool()).await?;
        let mut items = rows
            .iter()
            .map(published_from_row)
            .collect::<crate::storage::StoreResult<Vec<_>>>()?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|item| item.published_id)
        } else {
            None
        };
        Ok(crate::storage::reports::PublishedPage { items, next })
    }

    #[tracing::instrument(skip_all)]
    async fn published_report(
        &self,
        report_number: &str,
        edition: i64,
    ) -> crate::storage::StoreResult<Option<probity_domain::reports::PublishedReport>> {
        let row = sqlx::query(&format!(
                    "select {PUBLISHED_COLUMNS} from published_reports where report_number = $1 and edition = $2"
                ))
                .bind(report_number)
                .bind(edition)
                .fetch_optional(self.pool())
                .await?;
        row.as_ref().map(published_from_row).transpose()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn published_for_case(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::reports::PublishedReport>> {
        let rows = sqlx::query(&format!(
            "select {PUBLISHED_COLUMNS} from published_reports where case_id = $1 order by edition"
        ))
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(published_from_row).collect()
    }
}
