namespace PingYi.Domain.Complaints.Effects;

/// <summary>A unit's pending request (退回, 延期, 中止) ends — decided either way, or overtaken by an assignment.</summary>
internal static class PendingRequests
{
    public static void ClearPendingRequest(this Complaint complaint)
    {
        complaint.PendingRequest = PendingRequest.None;
        complaint.PendingExtensionDays = null;
    }
}
