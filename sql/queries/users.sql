-- Named queries of users (accounts). Loaded by aiosql 15 (zerg_sql.queries); the caller
-- owns the transaction. Every parameter carries an explicit cast: it is the type the
-- typed stubs and the runtime check of zerg_sql.queries expect.
-- `-- serves:` lines name the accesses of docs/reference/service-accesses.md each query serves.


-- name: create_user(email, provider, provider_user_id, display_name, avatar_url, role)^
-- Create a user (role defaults to 'user'); returns the new row. An address taken in any case is a unique violation.
-- serves: U04
INSERT INTO users (email, provider, provider_user_id, display_name, avatar_url, role)
VALUES (:email::text, :provider::text, :provider_user_id::text, :display_name::text,
        :avatar_url::text, coalesce(:role::text, 'user'))
RETURNING *;


-- name: get_user(user_id)^
-- One user by id (callers check is_active).
-- serves: U01
SELECT * FROM users WHERE id = :user_id::bigint;


-- name: get_user_by_email(email)^
-- One user by e-mail address, whatever its case (FIX: Zerg's ILIKE also read the address's underscores as wildcards).
-- serves: U02
SELECT * FROM users WHERE lower(email) = lower(:email::text);


-- name: get_user_by_provider(provider, provider_user_id)^
-- The user signed in with this identity provider subject.
SELECT * FROM users
WHERE provider = :provider::text AND provider_user_id = :provider_user_id::text;


-- name: list_users(after_id, limit_rows)
-- Users in id order after :after_id (keyset paging; 0 for the first page; limit 1: "is there a user?").
-- serves: U10
SELECT * FROM users
WHERE id > :after_id::bigint
ORDER BY id
LIMIT :limit_rows::int;


-- name: list_admin_users(limit_rows)
-- Users with role 'admin' in id order (limit 1: the first admin; NULL: all of them).
-- serves: U09
SELECT * FROM users WHERE role = 'admin' ORDER BY id LIMIT :limit_rows::int;


-- name: count_users()$
-- Number of users.
-- serves: U03
SELECT count(*) FROM users;


-- name: count_users_by_active(is_active)$
-- Number of users with is_active = :is_active (NULL: all), the total of the admin usage list.
-- serves: U11
SELECT count(*) FROM users WHERE :is_active::boolean IS NULL OR is_active = :is_active::boolean;


-- name: update_user_profile(user_id, display_name, clear_display_name, avatar_url, clear_avatar_url, prefs)^
-- Change the profile fields given (NULL keeps a field, clear_<field> true sets it NULL; prefs is replaced whole); returns the row.
-- serves: U05
UPDATE users
SET display_name = CASE WHEN :clear_display_name::boolean THEN NULL
                        ELSE coalesce(:display_name::text, display_name) END,
    avatar_url = CASE WHEN :clear_avatar_url::boolean THEN NULL
                      ELSE coalesce(:avatar_url::text, avatar_url) END,
    prefs = coalesce(:prefs::jsonb, prefs)
WHERE id = :user_id::bigint
RETURNING *;


-- name: update_user_context(user_id, context)^
-- Replace the prompt-composition context of a user (the app merges and checks the size first); returns the row.
-- serves: U06, U09
UPDATE users SET context = :context::jsonb
WHERE id = :user_id::bigint
RETURNING *;


-- name: set_user_role(user_id, role)^
-- Make a user 'user' or 'admin'; returns the row.
-- serves: U07
UPDATE users SET role = :role::text
WHERE id = :user_id::bigint
RETURNING *;


-- name: set_user_active(user_id, is_active)^
-- Activate or deactivate a user; returns the row.
UPDATE users SET is_active = :is_active::boolean
WHERE id = :user_id::bigint
RETURNING *;


-- name: record_user_login(user_id)!
-- Stamp last_login on the first authenticated request only (1, else 0): as Zerg, no write per request.
-- serves: U08
UPDATE users SET last_login = now()
WHERE id = :user_id::bigint AND last_login IS NULL;


-- name: set_user_gmail_refresh_token(user_id, gmail_refresh_token)!
-- Store (or clear, with NULL) the user's Gmail refresh token.
-- serves: U05
UPDATE users SET gmail_refresh_token = :gmail_refresh_token::text
WHERE id = :user_id::bigint;


-- name: delete_user(user_id)!
-- Delete a user and, through the foreign keys, everything the user owns.
DELETE FROM users WHERE id = :user_id::bigint;
