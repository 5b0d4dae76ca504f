using System.Text.Json.Nodes;
using Akka.Actor;
using Orchestrator.Actors.Conversations;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationCommands;

namespace Orchestrator.Actors.Tests;

public sealed class ConversationResilienceTests : ConversationTestBase
{
    [Fact]
    public void Socket_gone_past_the_grace_period_ends_with_connection_lost()
    {
        var socket = CreateTestProbe();
        StartChat("r1", socket);
        Watch(socket.Ref);
        socket.Ref.Tell(PoisonPill.Instance);
        ExpectTerminated(socket.Ref);
        AwaitCondition(() => Results.Saved.ContainsKey("r1"), TimeSpan.FromSeconds(5));
        Assert.Equal(FinishReasons.ConnectionLost, Results.Saved["r1"].FinishReason);
    }

    [Fact]
    public void Resume_replays_the_transcript_and_resends_pending_tool_requests()
    {
        var first = CreateTestProbe();
        var entity = StartChat("r2", first);
        entity.Tell(new UserMessage("r2", "book"));
        first.ExpectMsg<ConversationOutput.Utterance>();
        first.ExpectMsg<ConversationOutput.Utterance>();
        var request = first.ExpectMsg<ConversationOutput.ToolRequested>();
        Sys.Stop(first.Ref);

        var second = CreateTestProbe();
        entity.Tell(new Attach("r2", "agent-1", second.Ref, Replay: true));
        ExpectMsg<ConversationReplies.Attached>();
        second.ExpectMsg<ConversationOutput.Connected>();
        second.ExpectMsg<ConversationOutput.Opened>();
        var lines = new[]
        {
            second.ExpectMsg<ConversationOutput.Utterance>().Text, second.ExpectMsg<ConversationOutput.Utterance>().Text,
            second.ExpectMsg<ConversationOutput.Utterance>().Text,
        };
        Assert.Equal(["Hello, how can I help?", "book", "Booking."], lines);
        Assert.Equal(request.Id, second.ExpectMsg<ConversationOutput.ToolRequested>().Id);

        // The grace period no longer runs: the conversation is alive well after it.
        Thread.Sleep(Settings.ResumeGracePeriod + TimeSpan.FromMilliseconds(300));
        Assert.False(StatusOf(entity, "r2").Ended);
        entity.Tell(new ToolResponse("r2", request.Id, JsonValue.Create("done")));
        Assert.Equal("ok", second.ExpectMsg<ConversationOutput.ToolFinished>().Status);
    }

    [Fact]
    public void Resume_by_another_agent_or_of_an_unknown_conversation_is_rejected()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("r3", socket);
        entity.Tell(new Attach("r3", "someone-else", CreateTestProbe().Ref, Replay: true));
        Assert.Equal("Conversation belongs to another agent", ExpectMsg<ConversationReplies.Rejected>().Reason);

        NewEntity("r3-unknown").Tell(new Attach("r3-unknown", "agent-1", CreateTestProbe().Ref, Replay: true));
        Assert.Equal("Unknown conversation", ExpectMsg<ConversationReplies.Rejected>().Reason);
    }

    [Fact]
    public void A_new_socket_replaces_the_old_one()
    {
        var first = CreateTestProbe();
        var entity = StartChat("r4", first);
        var second = CreateTestProbe();
        entity.Tell(new Attach("r4", "agent-1", second.Ref, Replay: false));
        ExpectMsg<ConversationReplies.Attached>();
        first.ExpectMsg<ConversationOutput.Detached>();
        entity.Tell(new UserMessage("r4", "hi"));
        second.ExpectMsg<ConversationOutput.Utterance>();
        first.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_stopped_entity_recovers_everything_from_the_journal()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("r5", socket);
        for (var i = 0; i < 4; i++) // enough events to pass a snapshot (every 5)
        {
            entity.Tell(new UserMessage("r5", $"message {i}"));
            socket.ExpectMsg<ConversationOutput.Utterance>();
            socket.ExpectMsg<ConversationOutput.Utterance>();
        }
        entity.Tell(new UserMessage("r5", "book"));
        socket.ExpectMsg<ConversationOutput.Utterance>();
        socket.ExpectMsg<ConversationOutput.Utterance>();
        var request = socket.ExpectMsg<ConversationOutput.ToolRequested>();
        Watch(entity);
        Sys.Stop(entity);
        ExpectTerminated(entity);

        var revived = NewEntity("r5");
        var status = StatusOf(revived, "r5");
        Assert.Equal((true, false, 11), (status.Exists, status.Ended, status.TranscriptLength));
        Assert.Equal([request.Id], status.PendingToolCalls);

        revived.Tell(new Attach("r5", "agent-1", socket.Ref, Replay: false));
        ExpectMsg<ConversationReplies.Attached>();
        revived.Tell(new ToolResponse("r5", request.Id, JsonValue.Create("ok!")));
        socket.ExpectMsg<ConversationOutput.ToolFinished>();
        // The engine continues from its persisted state: 6 steps before, this is the 7th.
        Assert.Equal("""Tool book_table ok: "ok!" """.TrimEnd(), socket.ExpectMsg<ConversationOutput.Utterance>().Text);
        revived.Tell(new UserMessage("r5", "after"));
        socket.ExpectMsg<ConversationOutput.Utterance>();
        Assert.Equal("You said: after (step 8)", socket.ExpectMsg<ConversationOutput.Utterance>().Text);
    }

    [Fact]
    public void A_crashed_entity_is_restarted_from_its_journal_and_keeps_its_socket()
    {
        var socket = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new RestartingParent(
            ConversationEntity.Props("r6", Settings, Engines, Results, LiveIndex))));
        parent.Tell(new Start("r6", TestAgent(), "chat", new JsonObject(), null, ["book_table"], socket.Ref));
        ExpectMsg<ConversationReplies.Started>();
        socket.ExpectMsg<ConversationOutput.Connected>();
        socket.ExpectMsg<ConversationOutput.Opened>();
        socket.ExpectMsg<ConversationOutput.Utterance>();

        parent.Tell(RestartingParent.CrashChild); // an ActorKilledException in the entity, then a restart
        parent.Tell(new UserMessage("r6", "after the crash"));
        Assert.Equal("after the crash", socket.ExpectMsg<ConversationOutput.Utterance>(TimeSpan.FromSeconds(3)).Text);
        Assert.Equal("You said: after the crash (step 2)", socket.ExpectMsg<ConversationOutput.Utterance>().Text);
        parent.Tell(new GetStatus("r6"));
        Assert.Equal(3, ExpectMsg<ConversationReplies.Status>().TranscriptLength);
    }

    [Fact]
    public void A_transient_dialogue_failure_is_retried_after_the_runner_restarts()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("r7", socket);
        entity.Tell(new UserMessage("r7", "flaky"));
        socket.ExpectMsg<ConversationOutput.Utterance>();
        Assert.Equal("You said: flaky (step 2)", socket.ExpectMsg<ConversationOutput.Utterance>().Text);
    }

    [Fact]
    public void A_dialogue_that_keeps_failing_apologises_and_the_conversation_goes_on()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("r8", socket);
        entity.Tell(new UserMessage("r8", "boom"));
        socket.ExpectMsg<ConversationOutput.Utterance>();
        Assert.Equal(Settings.DialogueFailureReply, socket.ExpectMsg<ConversationOutput.Utterance>().Text);

        entity.Tell(new UserMessage("r8", "hello again"));
        socket.ExpectMsg<ConversationOutput.Utterance>();
        Assert.Equal("You said: hello again (step 2)", socket.ExpectMsg<ConversationOutput.Utterance>().Text);
        Assert.False(StatusOf(entity, "r8").Ended);
    }

    /// <summary>Stands in for the shard: restarts its entity on any failure and forwards to it.</summary>
    private sealed class RestartingParent : ReceiveActor
    {
        public const string CrashChild = "crash-child";

        public RestartingParent(Props child)
        {
            var entity = Context.ActorOf(child, "entity");
            Receive<string>(m => m == CrashChild, _ => entity.Tell(Kill.Instance));
            ReceiveAny(m => entity.Forward(m));
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);
    }
}
