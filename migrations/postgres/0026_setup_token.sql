-- The first-run setup token, shared by every app node (issue 19): each node prints the same
-- token, so the setup page accepts it whichever node a proxy sends the browser to. Written by
-- the first node to start on an empty database, removed once an account exists.

create table setup_token (
    id integer primary key check (id = 1),
    token text not null
);
