-- Memoranda of interview (issue 18): who was interviewed, in what role, when and where, who
-- attended, the warning given, the recording and transcript as exhibits, and the memorandum
-- text, every version of which is kept (an edit adds a version, nothing is overwritten).
-- Events on the timeline cite interviews as they cite exhibits and messages.

create table interviews (
    interview_id bigint generated always as identity primary key,
    case_id bigint not null references cases (case_id),
    -- 1 for I-1, per case.
    number bigint not null,
    party_id bigint not null references parties (party_id),
    interviewee_role text not null,
    held_on text not null,
    place text not null,
    warning text not null check (warning in ('criminal', 'administrative_compelled', 'voluntary')),
    recording_exhibit_id bigint references exhibits (exhibit_id),
    transcript_exhibit_id bigint references exhibits (exhibit_id),
    created_by bigint not null references users (user_id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    -- The number of the newest row in interview_memoranda.
    version bigint not null default 1,
    unique (case_id, number)
);

create table interview_attendees (
    interview_id bigint not null references interviews (interview_id),
    position bigint not null,
    role text not null check (role in ('investigator', 'counsel', 'union_representative',
        'interpreter', 'other')),
    user_id bigint references users (user_id),
    name text not null,
    primary key (interview_id, position)
);

create table interview_memoranda (
    interview_id bigint not null references interviews (interview_id),
    version bigint not null,
    body text not null,
    written_by bigint not null references users (user_id),
    written_at timestamptz not null,
    primary key (interview_id, version)
);

create table event_interviews (
    event_id bigint not null references events (event_id),
    interview_id bigint not null references interviews (interview_id),
    primary key (event_id, interview_id)
);

create index event_interviews_interview_idx on event_interviews (interview_id);
