/**
 * @module storage/sqlite/programmeSql
 *
 * The one rule for "completed the programme", shared by the attempt repo (a
 * pass was recorded) and the citizen repo (two citizens were merged): a
 * citizen is complete when every core quiz has a pass, dated by the last of
 * those passes. Parameters: @commune, @citizen, @core (a JSON array of ids).
 */
export const COMPLETE_IF_ALL_PASSED_SQL = `INSERT OR IGNORE INTO programme_completions (commune_id, citizen_id, completed_at)
   SELECT @commune, @citizen, MAX(passed_at) FROM quiz_passes
    WHERE commune_id = @commune AND citizen_id = @citizen
      AND quiz_id IN (SELECT value FROM json_each(@core))
   HAVING COUNT(*) > 0 AND COUNT(*) = (SELECT COUNT(*) FROM json_each(@core))`;
