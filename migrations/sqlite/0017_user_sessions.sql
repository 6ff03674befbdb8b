-- Each signed-in session, so that a person sees where they are signed in and ends any of
-- those sessions, and administrators end a person's or everyone's. The session itself stays
-- in the session store; this row is what makes it valid.
create table user_sessions (
    user_session_id integer primary key autoincrement,
    -- A random name kept in the session (not its cookie).
    session_ref text not null unique,
    user_id integer not null references users (user_id),
    started_at text not null,
    last_seen_at text not null,
    remote_addr text,
    user_agent text not null,
    ended_at text,
    -- Who ended it: sign-out, the person, or an administrator.
    ended_by text
);

create index user_sessions_user_idx on user_sessions (user_id, ended_at);
