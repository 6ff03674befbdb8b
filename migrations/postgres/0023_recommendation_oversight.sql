-- Recommendations in the oversight.gov vocabulary (issue 18): whether the office counts one as
-- significant, its priority, its resolution (open-unresolved until management decides,
-- open-resolved once it has and the action is still to come, closed), the day management
-- decided, and the day the agency's response came (due 60 days after the report's first
-- publication, so the due day is computed, not stored). Questioned costs and funds for better
-- use are the case's monetary results tied to the recommendation, summed when read.

alter table recommendations add column significant boolean not null default false;
alter table recommendations add column priority text not null default 'none'
    check (priority in ('none', 'high', 'medium', 'low'));
alter table recommendations add column resolution text not null default 'open_unresolved'
    check (resolution in ('open_unresolved', 'open_resolved', 'closed'));
alter table recommendations add column decision_on text;
alter table recommendations add column response_received_on text;

-- What the agency's status says of the existing ones: accepted means management decided.
update recommendations set resolution = 'open_resolved', decision_on = status_on
    where status in ('accepted', 'partially_implemented');
update recommendations set resolution = 'closed', decision_on = status_on
    where status = 'implemented';
