using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace PingYi.Data;

/// <summary>
/// Two actions on one complaint at once can both append the same handling-record row (complaint, round, attempt);
/// the unique index stops the second, sometimes before the complaint's version check does. Either way the second
/// action lost the race, and callers answer it like a concurrency conflict (409), not as a failure.
/// </summary>
public static class HandlingRecordConflict
{
    public const string UniqueIndex = "IX_HandlingRecords_ComplaintId_Round_Attempt";

    public static bool Is(DbUpdateException e) => e.InnerException switch
    {
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation && p.ConstraintName == UniqueIndex,
        // SQLITE_CONSTRAINT (19); SQLite names the columns, not the index.
        SqliteException s => s.SqliteErrorCode == 19 && s.Message.Contains("HandlingRecords.", StringComparison.Ordinal),
        _ => false,
    };
}
