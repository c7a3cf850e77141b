/* once_add — the small json-c helpers the headless JSON printers share
 * (once.c, once_jobs.c). Internal to tui/app. */
#ifndef TSDBTOP_ONCE_ADD_H
#define TSDBTOP_ONCE_ADD_H

#include <json.h>
#include <stdbool.h>

#include "tsdbtop/snapshot.h"

static inline void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static inline void add_s(struct json_object *o, const char *k, const char *v)
{
	add(o, k, json_object_new_string(v ? v : ""));
}

static inline void add_sn(struct json_object *o, const char *k, const char *v)
{
	add(o, k, v && *v ? json_object_new_string(v) : NULL);
}

static inline void add_i(struct json_object *o, const char *k, long long v)
{
	add(o, k, json_object_new_int64(v));
}

static inline void add_b(struct json_object *o, const char *k, bool v)
{
	add(o, k, json_object_new_boolean(v));
}

static inline void add_health(struct json_object *o, enum health h, const char *why)
{
	add_s(o, "health", health_name(h));
	add_s(o, "why", why);
}

#endif
