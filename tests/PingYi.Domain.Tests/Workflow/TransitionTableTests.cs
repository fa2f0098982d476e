using PingYi.Domain.Complaints;
using PingYi.Domain.Workflow;

namespace PingYi.Domain.Tests.Workflow;

/// <summary>
/// Every state × action × role × combination of facts, checked against a table written by hand from the
/// lifecycle in the issue — deliberately not read from the definition, so that a wrong edit to
/// workflows/complaint-handling.v1.json shows up here.
/// </summary>
public sealed class TransitionTableTests
{
    private const string S = WorkflowRoles.Supervisor;
    private const string U = WorkflowRoles.UnitHandler;
    private const string C = WorkflowRoles.Complainant;
    private const string Y = WorkflowRoles.System;

    private static readonly string[] Roles = [S, U, C, Y];

    /// <summary>Who may ever fire each action.</summary>
    private static readonly Dictionary<string, string> RoleOf = new()
    {
        ["assign"] = S,
        ["decline"] = S,
        ["transfer"] = S,
        ["request-return"] = U,
        ["approve-return"] = S,
        ["reject-return"] = S,
        ["request-extension"] = U,
        ["approve-extension"] = S,
        ["reject-extension"] = S,
        ["respond"] = U,
        ["approve"] = S,
        ["send-back"] = S,
        ["feedback"] = C,
        ["reopen"] = S,
        ["close"] = S,
        ["feedback-timeout"] = Y,
    };

    private static bool NoPending(WorkflowFacts f) => !f.ReturnRequested && !f.ExtensionRequested;

    /// <summary>The allowed moves: from, action, condition on the facts, to.</summary>
    private static readonly (ComplaintStatus From, string Action, Func<WorkflowFacts, bool> When, ComplaintStatus To)[] Allowed =
    [
        (ComplaintStatus.Submitted, "assign", _ => true, ComplaintStatus.Assigned),
        (ComplaintStatus.Submitted, "decline", _ => true, ComplaintStatus.Declined),
        (ComplaintStatus.Assigned, "transfer", _ => true, ComplaintStatus.Assigned),
        (ComplaintStatus.Assigned, "request-return", NoPending, ComplaintStatus.Assigned),
        (ComplaintStatus.Assigned, "approve-return", f => f.ReturnRequested, ComplaintStatus.Submitted),
        (ComplaintStatus.Assigned, "reject-return", f => f.ReturnRequested, ComplaintStatus.Assigned),
        (ComplaintStatus.Assigned, "request-extension", NoPending, ComplaintStatus.Assigned),
        (ComplaintStatus.Assigned, "approve-extension", f => f.ExtensionRequested, ComplaintStatus.Assigned),
        (ComplaintStatus.Assigned, "reject-extension", f => f.ExtensionRequested, ComplaintStatus.Assigned),
        (ComplaintStatus.Assigned, "respond", _ => true, ComplaintStatus.UnderReview),
        (ComplaintStatus.UnderReview, "approve", _ => true, ComplaintStatus.AwaitingFeedback),
        (ComplaintStatus.UnderReview, "send-back", _ => true, ComplaintStatus.Assigned),
        (ComplaintStatus.AwaitingFeedback, "feedback", f => !f.Dissatisfied, ComplaintStatus.Closed),
        (ComplaintStatus.AwaitingFeedback, "feedback", f => f.Dissatisfied, ComplaintStatus.AwaitingFeedback),
        (ComplaintStatus.AwaitingFeedback, "reopen", _ => true, ComplaintStatus.Assigned),
        (ComplaintStatus.AwaitingFeedback, "close", _ => true, ComplaintStatus.Closed),
        (ComplaintStatus.AwaitingFeedback, "feedback-timeout", _ => true, ComplaintStatus.Closed),
        (ComplaintStatus.Closed, "reopen", f => f.WithinReopenWindow, ComplaintStatus.Assigned),
    ];

    private static readonly Lazy<WorkflowEngine> EngineLazy = new(() => WorkflowRegistry.LoadDirectory(RepoPaths.Workflows).Get("complaint-handling", 1));

    private static WorkflowEngine Engine => EngineLazy.Value;

    /// <summary>All 16 combinations of the four base facts.</summary>
    private static IEnumerable<WorkflowFacts> AllFacts() =>
        from r in new[] { false, true }
        from e in new[] { false, true }
        from d in new[] { false, true }
        from w in new[] { false, true }
        select new WorkflowFacts { ReturnRequested = r, ExtensionRequested = e, Dissatisfied = d, WithinReopenWindow = w };

    /// <summary>What the table says: the destination, or why not.</summary>
    private static (ComplaintStatus? To, WorkflowRefusal? Refusal) Expected(ComplaintStatus from, string action, string role, WorkflowFacts facts)
    {
        if (RoleOf[action] != role)
        {
            return (null, WorkflowRefusal.RoleNotAllowed);
        }
        var rows = Allowed.Where(a => a.From == from && a.Action == action).ToList();
        if (rows.Count == 0)
        {
            return (null, WorkflowRefusal.NotAllowedInState);
        }
        var match = rows.Where(a => a.When(facts)).ToList();
        Assert.True(match.Count <= 1, $"the hand-written table is ambiguous for {from} {action}");
        return match.Count == 1 ? (match[0].To, null) : (null, WorkflowRefusal.ConditionNotMet);
    }

    [Fact]
    public void The_table_and_the_definition_name_the_same_actions()
    {
        Assert.Equal(RoleOf.Keys.Order(), Engine.Definition.Actions.Select(a => a.Code).Order());
    }

    [Fact]
    public void Every_state_action_role_and_fact_combination_behaves_as_the_table_says()
    {
        var mismatches = new List<string>();
        var checkedCount = 0;
        foreach (var from in Enum.GetValues<ComplaintStatus>())
        {
            foreach (var action in RoleOf.Keys)
            {
                foreach (var role in Roles)
                {
                    foreach (var facts in AllFacts())
                    {
                        checkedCount++;
                        var (to, refusal) = Expected(from, action, role, facts);
                        string actual;
                        try
                        {
                            var result = Engine.Fire(from, action, role, facts.Evaluate);
                            Assert.Equal(from, result.From);
                            Assert.Equal(result.From == result.To, result.IsSelfTransition);
                            actual = result.To.ToString();
                        }
                        catch (WorkflowActionException ex)
                        {
                            actual = ex.Refusal.ToString();
                        }
                        var expected = to?.ToString() ?? refusal!.Value.ToString();
                        if (actual != expected)
                        {
                            mismatches.Add($"{from} {action} by {role} with {facts}: expected {expected}, got {actual}");
                        }
                    }
                }
            }
        }

        // Eight statuses: v1 has no transition out of suspended (中止, v4) or merged (并案, v5), so every action there is refused.
        Assert.Equal(8 * 16 * 4 * 16, checkedCount);
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Fact]
    public void Permitted_actions_are_exactly_the_allowed_ones_in_definition_order()
    {
        var mismatches = new List<string>();
        var definitionOrder = Engine.Definition.Actions.Select(a => a.Code).ToList();
        foreach (var from in Enum.GetValues<ComplaintStatus>())
        {
            foreach (var role in Roles)
            {
                foreach (var facts in AllFacts())
                {
                    var expected = definitionOrder.Where(a => Expected(from, a, role, facts).To is not null).ToList();
                    var actual = Engine.PermittedActions(from, role, facts.Evaluate).Select(a => a.Code).ToList();
                    if (!expected.SequenceEqual(actual))
                    {
                        mismatches.Add($"{from} by {role} with {facts}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
                    }
                }
            }
        }
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Theory]
    [InlineData(ComplaintStatus.Submitted, S, "assign,decline")]
    [InlineData(ComplaintStatus.Assigned, S, "transfer")]
    [InlineData(ComplaintStatus.Assigned, U, "request-return,request-extension,respond")]
    [InlineData(ComplaintStatus.UnderReview, S, "approve,send-back")]
    [InlineData(ComplaintStatus.AwaitingFeedback, C, "feedback")]
    [InlineData(ComplaintStatus.AwaitingFeedback, S, "reopen,close")]
    [InlineData(ComplaintStatus.AwaitingFeedback, Y, "feedback-timeout")]
    [InlineData(ComplaintStatus.Closed, S, "")]
    [InlineData(ComplaintStatus.Declined, S, "")]
    [InlineData(ComplaintStatus.Submitted, C, "")]
    public void What_each_role_sees_with_nothing_pending(ComplaintStatus status, string role, string actions)
    {
        var permitted = Engine.PermittedActions(status, role, WorkflowFacts.None.Evaluate).Select(a => a.Code);
        Assert.Equal(actions, string.Join(",", permitted));
    }

    [Fact]
    public void A_pending_return_request_blocks_new_requests_and_unlocks_the_decision()
    {
        var pending = new WorkflowFacts { ReturnRequested = true };

        Assert.Equal(["transfer", "approve-return", "reject-return"], Engine.PermittedActions(ComplaintStatus.Assigned, S, pending.Evaluate).Select(a => a.Code));
        Assert.Equal(["respond"], Engine.PermittedActions(ComplaintStatus.Assigned, U, pending.Evaluate).Select(a => a.Code));
        Assert.Equal(ComplaintStatus.Submitted, Engine.Fire(ComplaintStatus.Assigned, "approve-return", S, pending.Evaluate).To);

        var reject = Engine.Fire(ComplaintStatus.Assigned, "reject-return", S, pending.Evaluate);
        Assert.True(reject.IsSelfTransition);
        Assert.Equal("不同意退回", reject.Action.Label);
    }

    [Fact]
    public void A_pending_extension_request_unlocks_approve_and_reject_extension()
    {
        var pending = new WorkflowFacts { ExtensionRequested = true };

        Assert.Equal(["transfer", "approve-extension", "reject-extension"], Engine.PermittedActions(ComplaintStatus.Assigned, S, pending.Evaluate).Select(a => a.Code));
        var ex = Assert.Throws<WorkflowActionException>(() => Engine.Fire(ComplaintStatus.Assigned, "request-return", U, pending.Evaluate));
        Assert.Equal(WorkflowRefusal.ConditionNotMet, ex.Refusal);
        Assert.Equal("当前状态为“办理中”，已有待审批的退回、延期或中止申请，不能执行“申请退回”操作。", ex.ChineseMessage);
    }

    [Fact]
    public void Approving_a_return_that_was_never_requested_is_a_conflict_not_a_permission_problem()
    {
        var ex = Assert.Throws<WorkflowActionException>(() => Engine.Fire(ComplaintStatus.Assigned, "approve-return", S, WorkflowFacts.None.Evaluate));

        Assert.Equal(WorkflowRefusal.ConditionNotMet, ex.Refusal);
        Assert.Contains("'assigned'", ex.Message);
        Assert.Contains("return-requested", ex.Message);
        Assert.Equal("当前状态为“办理中”，没有待审批的退回申请，不能执行“同意退回”操作。", ex.ChineseMessage);
    }

    [Fact]
    public void A_dissatisfied_rating_leaves_the_case_awaiting_a_supervisor()
    {
        var dissatisfied = Engine.Fire(ComplaintStatus.AwaitingFeedback, "feedback", C, new WorkflowFacts { Dissatisfied = true }.Evaluate);
        Assert.Equal(ComplaintStatus.AwaitingFeedback, dissatisfied.To);
        Assert.True(dissatisfied.IsSelfTransition);

        var satisfied = Engine.Fire(ComplaintStatus.AwaitingFeedback, "feedback", C, WorkflowFacts.None.Evaluate);
        Assert.Equal(ComplaintStatus.Closed, satisfied.To);
        Assert.False(satisfied.IsSelfTransition);
    }

    [Fact]
    public void Reopening_a_closed_case_needs_the_reopen_window()
    {
        var inside = Engine.Fire(ComplaintStatus.Closed, "reopen", S, new WorkflowFacts { WithinReopenWindow = true }.Evaluate);
        Assert.Equal(ComplaintStatus.Assigned, inside.To);

        var ex = Assert.Throws<WorkflowActionException>(() => Engine.Fire(ComplaintStatus.Closed, "reopen", S, WorkflowFacts.None.Evaluate));
        Assert.Equal(WorkflowRefusal.ConditionNotMet, ex.Refusal);
        Assert.Equal("当前状态为“已办结”，已超过办结后 30 天的重新交办期限，不能执行“重新交办”操作。", ex.ChineseMessage);

        // Awaiting feedback needs no window.
        Assert.Equal(ComplaintStatus.Assigned, Engine.Fire(ComplaintStatus.AwaitingFeedback, "reopen", S, WorkflowFacts.None.Evaluate).To);
    }

    [Fact]
    public void The_reopen_window_is_counted_in_calendar_days_from_closing()
    {
        var deadlines = Engine.Definition.Deadlines;
        var closed = new DateTime(2020, 10, 9, 8, 0, 0, DateTimeKind.Utc);

        Assert.True(deadlines.IsWithinReopenWindow(closed, closed.AddDays(30).AddTicks(-1)));
        Assert.False(deadlines.IsWithinReopenWindow(closed, closed.AddDays(30)));
        Assert.Equal(closed.AddDays(7), deadlines.FeedbackTimeoutUtc(closed));
    }

    [Fact]
    public void An_action_not_allowed_in_the_state_names_the_state_in_English_and_Chinese()
    {
        var ex = Assert.Throws<WorkflowActionException>(() => Engine.Fire(ComplaintStatus.Closed, "approve", S, WorkflowFacts.None.Evaluate));

        Assert.Equal(WorkflowRefusal.NotAllowedInState, ex.Refusal);
        Assert.Equal(ComplaintStatus.Closed, ex.Status);
        Assert.Equal("Action 'approve' is not allowed in state 'closed' (已办结).", ex.Message);
        Assert.Equal("当前状态为“已办结”，不能执行“审核通过”操作。", ex.ChineseMessage);
    }

    [Fact]
    public void A_role_that_may_never_fire_the_action_is_refused_as_such_whatever_the_state()
    {
        var ex = Assert.Throws<WorkflowActionException>(() => Engine.Fire(ComplaintStatus.Submitted, "assign", U, WorkflowFacts.None.Evaluate));
        Assert.Equal(WorkflowRefusal.RoleNotAllowed, ex.Refusal);
        Assert.Equal("承办单位无权执行“受理并交办”操作。", ex.ChineseMessage);

        var closed = Assert.Throws<WorkflowActionException>(() => Engine.Fire(ComplaintStatus.Closed, "assign", C, WorkflowFacts.None.Evaluate));
        Assert.Equal(WorkflowRefusal.RoleNotAllowed, closed.Refusal);

        var stranger = Assert.Throws<WorkflowActionException>(() => Engine.Fire(ComplaintStatus.Submitted, "assign", "admin", WorkflowFacts.None.Evaluate));
        Assert.Equal(WorkflowRefusal.RoleNotAllowed, stranger.Refusal);
        Assert.Empty(Engine.PermittedActions(ComplaintStatus.Submitted, "admin", WorkflowFacts.None.Evaluate));
    }

    [Fact]
    public void An_unknown_action_is_refused_as_unknown()
    {
        var ex = Assert.Throws<WorkflowActionException>(() => Engine.Fire(ComplaintStatus.Assigned, "archive", S, WorkflowFacts.None.Evaluate));

        Assert.Equal(WorkflowRefusal.UnknownAction, ex.Refusal);
        Assert.Equal("不存在“archive”操作。", ex.ChineseMessage);
    }

    [Fact]
    public void Only_base_facts_are_asked_for()
    {
        var asked = new HashSet<string>();
        foreach (var status in Enum.GetValues<ComplaintStatus>())
        {
            foreach (var role in Roles)
            {
                Engine.PermittedActions(status, role, fact => { asked.Add(fact); return false; });
            }
        }
        // v1 has no 督办 and no 签收, so it never asks whether a notice is open or a signature pending.
        Assert.Equal(WorkflowConditions.BaseFacts.Where(f => f is not (WorkflowConditions.SupervisionOpen or WorkflowConditions.SignPending)).Order(), asked.Order());
    }

    [Fact]
    public void The_negated_conditions_are_derived_from_the_base_facts()
    {
        Assert.True(WorkflowConditions.Evaluate(WorkflowConditions.NoPendingRequest, WorkflowFacts.None.Evaluate));
        Assert.False(WorkflowConditions.Evaluate(WorkflowConditions.NoPendingRequest, new WorkflowFacts { ExtensionRequested = true }.Evaluate));
        Assert.False(WorkflowConditions.Evaluate(WorkflowConditions.NotDissatisfied, new WorkflowFacts { Dissatisfied = true }.Evaluate));
        Assert.True(WorkflowConditions.Evaluate(null, WorkflowFacts.None.Evaluate));
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkflowConditions.Evaluate("always", WorkflowFacts.None.Evaluate));
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkflowFacts.None.Evaluate(WorkflowConditions.NoPendingRequest));
    }
}
