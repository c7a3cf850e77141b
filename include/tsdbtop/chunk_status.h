/* chunk_status — the bits of _timescaledb_catalog.chunk.status (TimescaleDB
 * 2.11-2.29), for C code and for the SQL written in C. The queries under
 * sql/ spell the same numbers. */
#ifndef TSDBTOP_CHUNK_STATUS_H
#define TSDBTOP_CHUNK_STATUS_H

#define CHUNK_STATUS_COMPRESSED 1  /* has compressed data */
#define CHUNK_STATUS_UNORDERED  2  /* rows were inserted after compression */
#define CHUNK_STATUS_FROZEN     4  /* cannot be changed (tiering, OSM) */
#define CHUNK_STATUS_PARTIAL    8  /* compressed, with uncompressed rows besides */

/* A bit as SQL text: CHUNK_STATUS_SQL(CHUNK_STATUS_PARTIAL) is "8". */
#define CHUNK_STATUS_SQL_(v) #v
#define CHUNK_STATUS_SQL(v) CHUNK_STATUS_SQL_(v)

/* SQL conditions on the status of chunk row k ("k" the alias). */
#define CHUNK_SQL_COMPRESSED(k) "(" k ".status & " CHUNK_STATUS_SQL(CHUNK_STATUS_COMPRESSED) ") <> 0"
#define CHUNK_SQL_UNCOMPRESSED(k) "(" k ".status & " CHUNK_STATUS_SQL(CHUNK_STATUS_COMPRESSED) ") = 0"
/* not compressed, or compressed with rows besides: what compress_chunk does work on */
#define CHUNK_SQL_TO_COMPRESS(k) \
	CHUNK_SQL_UNCOMPRESSED(k) " OR (" k ".status & " CHUNK_STATUS_SQL(CHUNK_STATUS_PARTIAL) ") <> 0"

#endif
