//! Timeline storage: incidents, their events with actors, recipients and citations, and each
//! event's saved versions. Lists load the events, then their parties and citations in one
//! query each (no query per event), hiding citations of exhibits the viewer may not see.

use super::StoreResult;
use super::backend::Affected as _;
use async_trait::async_trait;
use probity_domain::timeline::{
    Channel, EventKind, EventVersion, Incident, Information, PermittedBasis, Precision,
};

/// An event as saved by a form, validated.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub case_id: i64,
    pub incident_id: i64,
    pub bounds: crate::timeline::Bounds,
    pub precision: Precision,
    pub time_zone: String,
    pub discovered_on: String,
    pub kind: EventKind,
    pub channel: Channel,
    pub information: Vec<Information>,
    pub permitted_basis: PermittedBasis,
    pub narrative: String,
    pub actors: Vec<i64>,
    pub recipients: Vec<i64>,
    pub exhibits: Vec<i64>,
    pub messages: Vec<i64>,
    pub interviews: Vec<i64>,
    /// A readable rendition, kept as this version's record.
    pub summary: String,
    pub by: i64,
}

/// An event that cites something, for the "cited by" lists.
#[derive(Clone, Debug)]
pub struct Citing {
    pub event_id: i64,
    pub incident_title: String,
    pub local_start: String,
    pub narrative: String,
}

/// Timeline storage.
#[async_trait]
pub trait TimelineStore: Send + Sync {
    /// Adds an incident to a case.
    async fn create_incident(
        &self,
        case_id: i64,
        title: &str,
        summary: &str,
    ) -> StoreResult<Incident>;
    /// A case's incidents with their event counts.
    async fn incidents(&self, case_id: i64) -> StoreResult<Vec<Incident>>;
    /// Adds an event and its first version.
    async fn create_event(&self, event: NewEvent) -> StoreResult<i64>;
    /// Replaces an event's content, keeping the earlier version; stale when `version` is old.
    async fn update_event(&self, event_id: i64, version: i64, event: NewEvent) -> StoreResult<()>;
    /// Events of a case (or one incident) in time order, with what `user_id` may see of their
    /// citations.
    async fn events(
        &self,
        case_id: i64,
        incident_id: Option<i64>,
        user_id: i64,
    ) -> StoreResult<Vec<probity_domain::timeline::Event>>;
    /// One event's saved versions, newest first.
    async fn event_versions(&self, case_id: i64, event_id: i64) -> StoreResult<Vec<EventVersion>>;
    /// Events citing an exhibit.
    async fn events_citing_exhibit(&self, exhibit_id: i64) -> StoreResult<Vec<Citing>>;
    /// Events citing a message.
    async fn events_citing_message(&self, message_id: i64) -> StoreResult<Vec<Citing>>;
    /// Events citing an interview, in time order.
    async fn events_citing_interview(&self, interview_id: i64) -> StoreResult<Vec<Citing>>;
    /// Every exhibit an event cites, whoever may see it (an edit keeps the citations its
    /// editor may not see).
    async fn event_exhibit_ids(&self, event_id: i64) -> StoreResult<Vec<i64>>;
}

/// Queries the store implementations of this module share.
#[async_trait::async_trait]
pub(crate) trait TimelineRows: crate::storage::backend::SqlBackend {
    async fn write_event_links(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        event_id: i64,
        event: &crate::storage::timeline::NewEvent,
    ) -> crate::storage::StoreResult<()>;

    async fn citing(
        &self,
        sql: &str,
        id: i64,
    ) -> crate::storage::StoreResult<Vec<crate::storage::timeline::Citing>>;
}

#[async_trait::async_trait]
impl<S> TimelineRows for S
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
    async fn write_event_links(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        event_id: i64,
        event: &crate::storage::timeline::NewEvent,
    ) -> crate::storage::StoreResult<()> {
        for table in [
            "event_parties",
            "event_exhibits",
            "event_messages",
            "event_interviews",
        ] {
            sqlx::query(&format!("delete from {table} where event_id = $1"))
                .bind(event_id)
                .execute(&mut **tx)
                .await?;
        }
        for (part, ids) in [("actor", &event.actors), ("recipient", &event.recipients)] {
            for party_id in ids {
                sqlx::query(
                    "insert into event_parties (event_id, party_id, part) values ($1, $2, $3) \
                             on conflict (event_id, party_id, part) do nothing",
                )
                .bind(event_id)
                .bind(party_id)
                .bind(part)
                .execute(&mut **tx)
                .await?;
            }
        }
        for exhibit_id in &event.exhibits {
            sqlx::query("insert into event_exhibits (event_id, exhibit_id) values ($1, $2) on conflict (event_id, exhibit_id) do nothing")
                        .bind(event_id)
                        .bind(exhibit_id)
                        .execute(&mut **tx)
                        .await?;
        }
        for interview_id in &event.interviews {
            sqlx::query(
                "insert into event_interviews (event_id, interview_id) values ($1, $2) \
                 on conflict (event_id, interview_id) do nothing",
            )
            .bind(event_id)
            .bind(interview_id)
            .execute(&mut **tx)
            .await?;
        }
        for message_id in &event.messages {
            sqlx::query("insert into event_messages (event_id, message_id) values ($1, $2) on conflict (event_id, message_id) do nothing")
                        .bind(event_id)
                        .bind(message_id)
                        .execute(&mut **tx)
                        .await?;
        }
        Ok(())
    }

    async fn citing(
        &self,
        sql: &str,
        id: i64,
    ) -> crate::storage::StoreResult<Vec<crate::storage::timeline::Citing>> {
        use sqlx::Row as _;
        let rows = sqlx::query(sql).bind(id).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| {
                Ok(crate::storage::timeline::Citing {
                    event_id: row.try_get("event_id")?,
                    incident_title: row.try_get("title")?,
                    local_start: row.try_get("local_start")?,
                    narrative: row.try_get("narrative")?,
                })
            })
            .collect()
    }
}

#[async_trait::async_trait]
impl<S> crate::storage::timeline::TimelineStore for S
where
    S: crate::storage::backend::SqlBackend + crate::storage::cases::CaseRows + TimelineRows,
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
    async fn create_incident(
        &self,
        case_id: i64,
        title: &str,
        summary: &str,
    ) -> crate::storage::StoreResult<probity_domain::timeline::Incident> {
        let incident_id: i64 = sqlx::query_scalar(
                    "insert into incidents (case_id, title, summary, created_at) values ($1, $2, $3, $4) returning incident_id",
                )
                .bind(case_id)
                .bind(title)
                .bind(summary)
                .bind(time::OffsetDateTime::now_utc())
                .fetch_one(self.pool())
                .await?;
        Ok(probity_domain::timeline::Incident {
            incident_id,
            case_id,
            title: title.to_string(),
            summary: summary.to_string(),
            event_count: 0,
        })
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn incidents(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::timeline::Incident>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
                    "select i.incident_id, i.case_id, i.title, i.summary, \
                     (select count(*) from events e where e.incident_id = i.incident_id) as event_count \
                     from incidents i where i.case_id = $1 order by i.incident_id",
                )
                .bind(case_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| {
                Ok(probity_domain::timeline::Incident {
                    incident_id: row.try_get("incident_id")?,
                    case_id: row.try_get("case_id")?,
                    title: row.try_get("title")?,
                    summary: row.try_get("summary")?,
                    event_count: row.try_get("event_count")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id = event.case_id))]
    async fn create_event(
        &self,
        event: crate::storage::timeline::NewEvent,
    ) -> crate::storage::StoreResult<i64> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let information: Vec<&str> = event.information.iter().map(|i| i.as_str()).collect();
        let event_id: i64 = sqlx::query_scalar(
                    "insert into events (case_id, incident_id, earliest, latest, precision, local_start, local_end, \
                     time_zone, discovered_on, kind, channel, information, permitted_basis, narrative, created_at, \
                     updated_at, version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1) \
                     returning event_id",
                )
                .bind(event.case_id)
                .bind(event.incident_id)
                .bind(&event.bounds.earliest)
                .bind(&event.bounds.latest)
                .bind(event.precision.as_str())
                .bind(&event.bounds.local_start)
                .bind(&event.bounds.local_end)
                .bind(&event.time_zone)
                .bind(&event.discovered_on)
                .bind(event.kind.as_str())
                .bind(event.channel.as_str())
                .bind(information.join(","))
                .bind(event.permitted_basis.as_str())
                .bind(&event.narrative)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
        Self::write_event_links(&mut tx, event_id, &event).await?;
        sqlx::query("insert into event_versions (event_id, version, summary, edited_by, edited_at) values ($1, 1, $2, $3, $4)")
                    .bind(event_id)
                    .bind(&event.summary)
                    .bind(event.by)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
        tx.commit().await?;
        Ok(event_id)
    }

    #[tracing::instrument(skip_all, fields(event_id, version))]
    async fn update_event(
        &self,
        event_id: i64,
        version: i64,
        event: crate::storage::timeline::NewEvent,
    ) -> crate::storage::StoreResult<()> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let information: Vec<&str> = event.information.iter().map(|i| i.as_str()).collect();
        let done = sqlx::query(
                    "update events set earliest = $1, latest = $2, precision = $3, local_start = $4, local_end = $5, \
                     time_zone = $6, discovered_on = $7, kind = $8, channel = $9, information = $10, \
                     permitted_basis = $11, narrative = $12, updated_at = $13, version = version + 1 \
                     where event_id = $14 and case_id = $15 and version = $16",
                )
                .bind(&event.bounds.earliest)
                .bind(&event.bounds.latest)
                .bind(event.precision.as_str())
                .bind(&event.bounds.local_start)
                .bind(&event.bounds.local_end)
                .bind(&event.time_zone)
                .bind(&event.discovered_on)
                .bind(event.kind.as_str())
                .bind(event.channel.as_str())
                .bind(information.join(","))
                .bind(event.permitted_basis.as_str())
                .bind(&event.narrative)
                .bind(now)
                .bind(event_id)
                .bind(event.case_id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            return Err(self
                .stale_or_missing("select count(*) from events where event_id = $1", event_id)
                .await);
        }
        Self::write_event_links(&mut tx, event_id, &event).await?;
        sqlx::query("insert into event_versions (event_id, version, summary, edited_by, edited_at) values ($1, $2, $3, $4, $5)")
                    .bind(event_id)
                    .bind(version + 1)
                    .bind(&event.summary)
                    .bind(event.by)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id, incident_id))]
    async fn events(
        &self,
        case_id: i64,
        incident_id: Option<i64>,
        user_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::timeline::Event>> {
        use probity_domain::timeline::*;
        use sqlx::Row as _;
        use std::collections::HashMap;
        // One filter for the events and for their links: this case, maybe one incident.
        let scope = "e.case_id = $1 and ($2 = 0 or e.incident_id = $2)";
        let incident = incident_id.unwrap_or(0);
        let rows = sqlx::query(&format!(
                    "select e.event_id, e.case_id, e.incident_id, i.title, e.earliest, e.latest, e.precision, \
                     e.local_start, e.local_end, e.time_zone, e.discovered_on, e.kind, e.channel, e.information, \
                     e.permitted_basis, e.narrative, e.updated_at, e.version from events e \
                     join incidents i on i.incident_id = e.incident_id where {scope} \
                     order by e.earliest, e.latest, e.event_id"
                ))
                .bind(case_id)
                .bind(incident)
                .fetch_all(self.pool())
                .await?;
        let parties = sqlx::query(&format!(
                    "select ep.event_id, ep.party_id, ep.part, p.name from event_parties ep \
                     join events e on e.event_id = ep.event_id join parties p on p.party_id = ep.party_id \
                     where {scope} order by p.name"
                ))
                .bind(case_id)
                .bind(incident)
                .fetch_all(self.pool())
                .await?;
        // Citations of restricted exhibits (and their messages) only for named members.
        let visible = "(x.restricted = false or exists (select 1 from exhibit_access a \
                     where a.exhibit_id = x.exhibit_id and a.user_id = $3))";
        let exhibits = sqlx::query(&format!(
                    "select ee.event_id, x.exhibit_id, x.number, x.description from event_exhibits ee \
                     join events e on e.event_id = ee.event_id join exhibits x on x.exhibit_id = ee.exhibit_id \
                     where {scope} and {visible} order by x.number"
                ))
                .bind(case_id)
                .bind(incident)
                .bind(user_id)
                .fetch_all(self.pool())
                .await?;
        let messages = sqlx::query(&format!(
                    "select em.event_id, m.message_id, m.sent_at, m.sender, m.body from event_messages em \
                     join events e on e.event_id = em.event_id join messages m on m.message_id = em.message_id \
                     join exhibits x on x.exhibit_id = m.exhibit_id where {scope} and {visible} order by m.sent_at"
                ))
                .bind(case_id)
                .bind(incident)
                .bind(user_id)
                .fetch_all(self.pool())
                .await?;
        let interviews = sqlx::query(&format!(
            "select ei.event_id, iv.interview_id, iv.number, p.name, iv.held_on \
             from event_interviews ei join events e on e.event_id = ei.event_id \
             join interviews iv on iv.interview_id = ei.interview_id \
             join parties p on p.party_id = iv.party_id where {scope} order by iv.number"
        ))
        .bind(case_id)
        .bind(incident)
        .fetch_all(self.pool())
        .await?;
        let mut cited_interviews: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        for row in &interviews {
            let number: i64 = row.try_get("number")?;
            let name: String = row.try_get("name")?;
            let held_on: String = row.try_get("held_on")?;
            cited_interviews
                .entry(row.try_get("event_id")?)
                .or_default()
                .push((
                    row.try_get("interview_id")?,
                    format!("I-{number}, {name}, {held_on}"),
                ));
        }
        let mut actors: HashMap<i64, Vec<EventParty>> = HashMap::new();
        let mut recipients: HashMap<i64, Vec<EventParty>> = HashMap::new();
        for row in &parties {
            let event_id: i64 = row.try_get("event_id")?;
            let party = EventParty {
                party_id: row.try_get("party_id")?,
                name: row.try_get("name")?,
            };
            let part: String = row.try_get("part")?;
            if part == "actor" {
                &mut actors
            } else {
                &mut recipients
            }
            .entry(event_id)
            .or_default()
            .push(party);
        }
        let mut cited_exhibits: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        for row in &exhibits {
            let number: i64 = row.try_get("number")?;
            let description: String = row.try_get("description")?;
            cited_exhibits
                .entry(row.try_get("event_id")?)
                .or_default()
                .push((
                    row.try_get("exhibit_id")?,
                    format!("E-{number}: {description}"),
                ));
        }
        let mut cited_messages: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        for row in &messages {
            let sent_at: String = row.try_get("sent_at")?;
            let sender: String = row.try_get("sender")?;
            let body: String = row.try_get("body")?;
            let short: String = body.chars().take(80).collect();
            cited_messages
                .entry(row.try_get("event_id")?)
                .or_default()
                .push((
                    row.try_get("message_id")?,
                    format!(
                        "{} {sender}: {short}",
                        sent_at.replace('T', " ").replace('Z', " UTC")
                    ),
                ));
        }
        rows.iter()
            .map(|row| {
                let event_id: i64 = row.try_get("event_id")?;
                let text = |column: &'static str| -> crate::storage::StoreResult<String> {
                    Ok(row.try_get::<String, _>(column)?)
                };
                let information = text("information")?;
                Ok(Event {
                    event_id,
                    case_id: row.try_get("case_id")?,
                    incident_id: row.try_get("incident_id")?,
                    incident_title: text("title")?,
                    earliest: text("earliest")?,
                    latest: text("latest")?,
                    precision: Precision::parse(&text("precision")?)
                        .ok_or_else(crate::storage::corrupt("precision"))?,
                    local_start: text("local_start")?,
                    local_end: text("local_end")?,
                    time_zone: text("time_zone")?,
                    discovered_on: text("discovered_on")?,
                    kind: EventKind::parse(&text("kind")?)
                        .ok_or_else(crate::storage::corrupt("kind"))?,
                    channel: Channel::parse(&text("channel")?)
                        .ok_or_else(crate::storage::corrupt("channel"))?,
                    information: information
                        .split(',')
                        .filter_map(Information::parse)
                        .collect(),
                    permitted_basis: PermittedBasis::parse(&text("permitted_basis")?)
                        .ok_or_else(crate::storage::corrupt("permitted_basis"))?,
                    narrative: text("narrative")?,
                    actors: actors.remove(&event_id).unwrap_or_default(),
                    recipients: recipients.remove(&event_id).unwrap_or_default(),
                    exhibits: cited_exhibits.remove(&event_id).unwrap_or_default(),
                    messages: cited_messages.remove(&event_id).unwrap_or_default(),
                    interviews: cited_interviews.remove(&event_id).unwrap_or_default(),
                    updated_at: row.try_get("updated_at")?,
                    version: row.try_get("version")?,
                    case_time: String::new(),
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id, event_id))]
    async fn event_versions(
        &self,
        case_id: i64,
        event_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::timeline::EventVersion>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
                    "select v.version, v.summary, u.display_name, v.edited_at from event_versions v \
                     join events e on e.event_id = v.event_id join users u on u.user_id = v.edited_by \
                     where e.case_id = $1 and v.event_id = $2 order by v.version desc",
                )
                .bind(case_id)
                .bind(event_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| {
                Ok(probity_domain::timeline::EventVersion {
                    version: row.try_get("version")?,
                    summary: row.try_get("summary")?,
                    edited_by_name: row.try_get("display_name")?,
                    edited_at: row.try_get("edited_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(event_id))]
    async fn event_exhibit_ids(&self, event_id: i64) -> crate::storage::StoreResult<Vec<i64>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "select exhibit_id from event_exhibits where event_id = $1 order by exhibit_id",
        )
        .bind(event_id)
        .fetch_all(self.pool())
        .await?;
        Ok(ids)
    }

    #[tracing::instrument(skip_all, fields(exhibit_id))]
    async fn events_citing_exhibit(
        &self,
        exhibit_id: i64,
    ) -> crate::storage::StoreResult<Vec<crate::storage::timeline::Citing>> {
        self.citing(
                    "select e.event_id, i.title, e.local_start, e.narrative from event_exhibits c \
                     join events e on e.event_id = c.event_id join incidents i on i.incident_id = e.incident_id \
                     where c.exhibit_id = $1 order by e.earliest, e.event_id",
                    exhibit_id,
                )
                .await
    }

    #[tracing::instrument(skip_all, fields(interview_id))]
    async fn events_citing_interview(
        &self,
        interview_id: i64,
    ) -> crate::storage::StoreResult<Vec<crate::storage::timeline::Citing>> {
        self.citing(
            "select e.event_id, i.title, e.local_start, e.narrative from event_interviews c \
             join events e on e.event_id = c.event_id join incidents i on i.incident_id = e.incident_id \
             where c.interview_id = $1 order by e.earliest, e.event_id",
            interview_id,
        )
        .await
    }

    #[tracing::instrument(skip_all, fields(message_id))]
    async fn events_citing_message(
        &self,
        message_id: i64,
    ) -> crate::storage::StoreResult<Vec<crate::storage::timeline::Citing>> {
        self.citing(
                    "select e.event_id, i.title, e.local_start, e.narrative from event_messages c \
                     join events e on e.event_id = c.event_id join incidents i on i.incident_id = e.incident_id \
                     where c.message_id = $1 order by e.earliest, e.event_id",
                    message_id,
                )
                .await
    }
}
