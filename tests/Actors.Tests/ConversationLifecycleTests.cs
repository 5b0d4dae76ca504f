using System.Text.Json.Nodes;
using Akka.Actor;
using Orchestrator.Actors.Conversations;
using Orchestrator.Actors.Sharding;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationCommands;

namespace Orchestrator.Actors.Tests;

/// <summary>The live-conversation index, waking, and user turns recorded with their answers.</summary>
public sealed class ConversationLifecycleTests : ConversationTestBase
{
    [Fact]
    public void A_conversation_is_in_the_live_index_until_its_result_is_stored()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("l1", socket);
        AwaitCondition(() => LiveIndex.Live.ContainsKey("l1"));
        entity.Tell(new Terminate("l1"));
        socket.ExpectMsg<ConversationOutput.Finished>();
        AwaitCondition(() => Results.Saved.ContainsKey("l1") && !LiveIndex.Live.ContainsKey("l1"));
    }

    [Fact]
    public void Waking_a_conversation_that_never_started_removes_it_from_the_index()
    {
        LiveIndex.Live["ghost"] = DateTimeOffset.UtcNow;
        NewEntity("ghost").Tell(new Wake("ghost"));
        AwaitCondition(() => LiveIndex.Finished.Contains("ghost") && !LiveIndex.Live.ContainsKey("ghost"));
    }

    [Fact]
    public void A_woken_conversation_without_a_socket_ends_after_the_grace_period()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("l2", socket);
        Watch(entity);
        Sys.Stop(entity);
        ExpectTerminated(entity);

        NewEntity("l2").Tell(new Wake("l2"));
        AwaitCondition(() => Results.Saved.ContainsKey("l2"), TimeSpan.FromSeconds(5));
        Assert.Equal(FinishReasons.ConnectionLost, Results.Saved["l2"].FinishReason);
    }

    [Fact]
    public void A_user_turn_is_echoed_only_once_recorded_and_a_terminate_mid_step_keeps_it()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("l3", socket);
        entity.Tell(new UserMessage("l3", "slow"));
        entity.Tell(new UserMessage("l3", "queued behind it"));
        entity.Tell(new Terminate("l3"));

        var result = socket.FishForMessage<ConversationOutput.Finished>(_ => true, TimeSpan.FromSeconds(5)).Result;
        Assert.Equal(["Hello, how can I help?", "slow", "queued behind it"], result.Transcription.Select(t => t.Text));
    }

    [Fact]
    public void A_user_turn_is_journaled_before_the_dialogue_answers_so_a_stop_mid_step_still_answers_it()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("l4", socket);
        entity.Tell(new UserMessage("l4", "slow"));
        Assert.Equal("slow", socket.ExpectMsg<ConversationOutput.Utterance>().Text); // recorded: echoed
        Assert.Equal(2, StatusOf(entity, "l4").TranscriptLength); // the greeting and the turn; no answer yet
        Watch(entity);
        Sys.Stop(entity); // the step (half a second) is still running
        ExpectTerminated(entity);

        var revived = NewEntity("l4");
        revived.Tell(new Attach("l4", "agent-1", socket.Ref, Replay: false));
        ExpectMsg<ConversationReplies.Attached>();
        Assert.Equal("Slowly.", socket.ExpectMsg<ConversationOutput.Utterance>(TimeSpan.FromSeconds(3)).Text);
        Assert.Equal(3, StatusOf(revived, "l4").TranscriptLength);
    }

    [Fact]
    public void The_reviver_wakes_every_live_conversation_page_by_page()
    {
        for (var i = 0; i < 1200; i++) LiveIndex.Live[$"c{i:D4}"] = DateTimeOffset.UtcNow;
        var region = CreateTestProbe();
        Sys.ActorOf(ConversationReviver.Props(new ConversationRouter(region.Ref, region.Ref, "n00000000"), LiveIndex, TimeSpan.FromMinutes(5)));
        var woken = region.ReceiveN(1200, TimeSpan.FromSeconds(10)).Cast<Wake>().Select(w => w.ConversationId).ToHashSet();
        Assert.Equal(LiveIndex.Live.Keys.ToHashSet(), woken);
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
