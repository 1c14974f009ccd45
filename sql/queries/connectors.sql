-- Named queries of connectors (a user's provider connections) and tool credentials, per
-- agent (connector_credentials) and per account (account_connector_credentials).
-- Loaded by aiosql 15 (zerg_sql.queries); the caller owns the transaction. Secrets
-- arrive encrypted by the app; the database never sees them in clear.


-- name: create_connector(owner_id, type, provider, config)^
-- Create a user's connector; returns the new row.
INSERT INTO connectors (owner_id, type, provider, config)
VALUES (:owner_id::bigint, :type::text, :provider::text, :config::jsonb)
RETURNING *;


-- name: get_connector(connector_id)^
-- One connector by id.
SELECT * FROM connectors WHERE id = :connector_id::bigint;


-- name: list_connectors_by_owner(owner_id)
-- A user's connectors by type and provider.
SELECT * FROM connectors WHERE owner_id = :owner_id::bigint ORDER BY type, provider;


-- name: update_connector_config(connector_id, config)^
-- Replace a connector's config; returns the row.
UPDATE connectors SET config = :config::jsonb
WHERE id = :connector_id::bigint
RETURNING *;


-- name: delete_connector(connector_id)!
-- Delete one connector.
DELETE FROM connectors WHERE id = :connector_id::bigint;


-- name: upsert_agent_credential(agent_id, connector_type, encrypted_value, display_name, connector_metadata)^
-- Create or replace an agent's credential for a connector type (test status reset); returns the row.
INSERT INTO connector_credentials (agent_id, connector_type, encrypted_value, display_name,
                                   connector_metadata)
VALUES (:agent_id::bigint, :connector_type::text, :encrypted_value::text, :display_name::text,
        :connector_metadata::jsonb)
ON CONFLICT (agent_id, connector_type) DO UPDATE
SET encrypted_value = EXCLUDED.encrypted_value,
    display_name = EXCLUDED.display_name,
    connector_metadata = EXCLUDED.connector_metadata,
    test_status = 'untested',
    last_tested_at = NULL
RETURNING *;


-- name: get_agent_credential(agent_id, connector_type)^
-- An agent's credential for one connector type.
SELECT * FROM connector_credentials
WHERE agent_id = :agent_id::bigint AND connector_type = :connector_type::text;


-- name: list_agent_credentials(agent_id)
-- An agent's credentials by connector type.
SELECT * FROM connector_credentials WHERE agent_id = :agent_id::bigint ORDER BY connector_type;


-- name: set_agent_credential_test_status(credential_id, test_status)^
-- Record the result of testing an agent credential; returns the row.
UPDATE connector_credentials SET test_status = :test_status::text, last_tested_at = now()
WHERE id = :credential_id::bigint
RETURNING *;


-- name: delete_agent_credential(agent_id, connector_type)!
-- Delete an agent's credential for one connector type.
DELETE FROM connector_credentials
WHERE agent_id = :agent_id::bigint AND connector_type = :connector_type::text;


-- name: upsert_account_credential(owner_id, organization_id, connector_type, encrypted_value, display_name, connector_metadata)^
-- Create or replace a user's account-level credential for a connector type; returns the row.
INSERT INTO account_connector_credentials (owner_id, organization_id, connector_type,
                                           encrypted_value, display_name, connector_metadata)
VALUES (:owner_id::bigint, :organization_id::bigint, :connector_type::text,
        :encrypted_value::text, :display_name::text, :connector_metadata::jsonb)
ON CONFLICT (owner_id, connector_type) DO UPDATE
SET organization_id = EXCLUDED.organization_id,
    encrypted_value = EXCLUDED.encrypted_value,
    display_name = EXCLUDED.display_name,
    connector_metadata = EXCLUDED.connector_metadata,
    test_status = 'untested',
    last_tested_at = NULL
RETURNING *;


-- name: get_account_credential(owner_id, connector_type)^
-- A user's account-level credential for one connector type.
SELECT * FROM account_connector_credentials
WHERE owner_id = :owner_id::bigint AND connector_type = :connector_type::text;


-- name: list_account_credentials(owner_id)
-- A user's account-level credentials by connector type.
SELECT * FROM account_connector_credentials
WHERE owner_id = :owner_id::bigint
ORDER BY connector_type;


-- name: set_account_credential_test_status(credential_id, test_status)^
-- Record the result of testing an account credential; returns the row.
UPDATE account_connector_credentials
SET test_status = :test_status::text, last_tested_at = now()
WHERE id = :credential_id::bigint
RETURNING *;


-- name: delete_account_credential(owner_id, connector_type)!
-- Delete a user's account-level credential for one connector type.
DELETE FROM account_connector_credentials
WHERE owner_id = :owner_id::bigint AND connector_type = :connector_type::text;
