/* action_sql — plan queries of the action layer (tui/db internal). */
#ifndef TSDBTOP_ACTION_SQL_H
#define TSDBTOP_ACTION_SQL_H

extern const char action_sql_compress_plan[];
extern const char action_sql_chunk_plan[];
extern const char action_sql_measure[];
extern const char action_sql_refresh_plan[];
extern const char action_sql_job_plan[];
extern const char action_sql_retention_plan[];
extern const char action_sql_analyze_plan[];
extern const char action_sql_maintenance_plan[];
extern const char action_sql_chunk_list[];

#endif
