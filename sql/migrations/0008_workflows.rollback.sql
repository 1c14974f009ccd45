-- Undo 0008_workflows: drop its tables in reverse order of creation.
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE canvas_layouts;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE node_execution_states;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE workflow_executions;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE workflow_templates;
-- squawk-ignore ban-drop-table -- rollback of the migration that created it
DROP TABLE workflows;
