using Akka.Actor;
using System.Text.Json.Nodes;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationCommands;

namespace Orchestrator.Actors.Tests;

public sealed class ConversationFlowTests : ConversationTestBase
{
    [Fact]
    public void User_turn_is_echoed_then_answered()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("c1", socket);

        entity.Tell(new UserMessage("c1", "hi there"));

        var echo = socket.ExpectMsg<ConversationOutput.Utterance>();
        Assert.Equal(("user", "hi there"), (echo.Source, echo.Text));
        var reply = socket.ExpectMsg<ConversationOutput.Utterance>();
        Assert.Equal(("assistant", "You said: hi there (step 2)"), (reply.Source, reply.Text));
    }

    [Fact]
    public void Second_start_of_the_same_conversation_is_rejected()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("c2", socket);
        entity.Tell(new Start("c2", TestAgent(), "chat", new JsonObject(), null, [], socket.Ref));
        Assert.Equal("Conversation already exists", ExpectMsg<ConversationReplies.Rejected>().Reason);
    }

    [Fact]
    public void Client_tool_round_trip_logs_the_result_and_feeds_the_dialogue()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("c3", socket);

        entity.Tell(new UserMessage("c3", "book"));
        socket.ExpectMsg<ConversationOutput.Utterance>(); // echo
        Assert.Equal("Booking.", socket.ExpectMsg<ConversationOutput.Utterance>().Text);
        var request = socket.ExpectMsg<ConversationOutput.ToolRequested>();
        Assert.Equal(("book_table", 2), (request.ToolName, (int)request.Args["people"]!));

        entity.Tell(new ToolResponse("c3", request.Id, new JsonObject { ["code"] = "X1" }));
        var finished = socket.ExpectMsg<ConversationOutput.ToolFinished>();
        Assert.Equal((request.Id, "ok"), (finished.Id, finished.Status));
        Assert.Equal("""Tool book_table ok: {"code":"X1"}""", socket.ExpectMsg<ConversationOutput.Utterance>().Text);

        // The first answer wins; a repeat is ignored.
        entity.Tell(new ToolResponse("c3", request.Id, new JsonObject { ["code"] = "X2" }));
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Unknown_tool_call_id_gets_an_error_and_the_conversation_goes_on()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("c4", socket);
        entity.Tell(new ToolResponse("c4", "never-issued", JsonValue.Create(1)), socket.Ref);
        Assert.Contains("never-issued", socket.ExpectMsg<ConversationOutput.Error>().Message);
        entity.Tell(new UserMessage("c4", "still here"));
        socket.ExpectMsg<ConversationOutput.Utterance>();
        Assert.StartsWith("You said: still here", socket.ExpectMsg<ConversationOutput.Utterance>().Text);
    }

    [Fact]
    public void Tool_timeout_gives_the_agent_the_fallback_result()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("c5", socket, TestAgent(toolTimeout: 0.3));
        entity.Tell(new UserMessage("c5", "book"));
        socket.ExpectMsg<ConversationOutput.Utterance>();
        socket.ExpectMsg<ConversationOutput.Utterance>();
        var request = socket.ExpectMsg<ConversationOutput.ToolRequested>();

        var finished = socket.ExpectMsg<ConversationOutput.ToolFinished>(TimeSpan.FromSeconds(3));
        Assert.Equal((request.Id, "timeout", "no booking"), (finished.Id, finished.Status, finished.Result!.GetValue<string>()));
        Assert.Equal("""Tool book_table timeout: "no booking" """.TrimEnd(), socket.ExpectMsg<ConversationOutput.Utterance>().Text);

        // A late answer after the timeout changes nothing.
        entity.Tell(new ToolResponse("c5", request.Id, JsonValue.Create("late")));
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Tool_the_client_may_not_run_gets_the_fallback_at_once_without_a_request()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("c6", socket, clientTools: []);
        entity.Tell(new UserMessage("c6", "book"));
        socket.ExpectMsg<ConversationOutput.Utterance>();
        socket.ExpectMsg<ConversationOutput.Utterance>();
        var finished = socket.ExpectMsg<ConversationOutput.ToolFinished>();
        Assert.Equal(("error", "no booking"), (finished.Status, finished.Result!.GetValue<string>()));
    }

    [Fact]
    public void Terminate_sends_the_result_and_stores_it()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("c7", socket);
        entity.Tell(new UserMessage("c7", "hello"));
        socket.ExpectMsg<ConversationOutput.Utterance>();
        socket.ExpectMsg<ConversationOutput.Utterance>();

        entity.Tell(new Terminate("c7"));
        var result = socket.ExpectMsg<ConversationOutput.Finished>().Result;
        Assert.Equal((FinishReasons.UserTerminated, ResultStatuses.Completed, 3), (result.FinishReason, result.Status, result.Transcription.Count));
        Assert.Equal("Ada", result.AdditionalData["customer"]!.GetValue<string>());
        AwaitCondition(() => Results.Saved.ContainsKey("c7"));
        Assert.Equal(FinishReasons.UserTerminated, Results.Saved["c7"].FinishReason);
    }

    [Fact]
    public void Agent_ending_the_dialogue_ends_the_conversation()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("c8", socket);
        entity.Tell(new UserMessage("c8", "bye"));
        socket.ExpectMsg<ConversationOutput.Utterance>();
        Assert.Equal("Goodbye.", socket.ExpectMsg<ConversationOutput.Utterance>().Text);
        Assert.Equal(FinishReasons.AgentEnded, socket.ExpectMsg<ConversationOutput.Finished>().Result.FinishReason);

        entity.Tell(new UserMessage("c8", "anyone?"));
        Assert.Equal("Conversation has ended", ExpectMsg<ConversationOutput.Error>().Message);
    }

    [Fact]
    public void Result_save_is_retried_until_it_succeeds()
    {
        Results.FailuresLeft = 2;
        var socket = CreateTestProbe();
        var entity = StartChat("c9", socket);
        entity.Tell(new Terminate("c9"));
        socket.ExpectMsg<ConversationOutput.Finished>();
        AwaitCondition(() => Results.Saved.ContainsKey("c9"), TimeSpan.FromSeconds(5));
        Assert.True(Results.Attempts >= 3);
    }

    [Fact]
    public void An_engine_config_it_refuses_fails_the_open()
    {
        var socket = CreateTestProbe();
        var entity = NewEntity("c10");
        entity.Tell(new Start("c10", TestAgent(vendor: "broken"), "chat", new JsonObject(), null, [], socket.Ref));
        ExpectMsg<ConversationReplies.Started>();
        socket.ExpectMsg<ConversationOutput.Connected>();
        Assert.Contains("broken", socket.ExpectMsg<ConversationOutput.FailedOpen>().Reason);
        var result = socket.ExpectMsg<ConversationOutput.Finished>().Result;
        Assert.Equal((FinishReasons.Error, ResultStatuses.Failed), (result.FinishReason, result.Status));
    }

    [Fact]
    public void Silence_reminders_then_silence_timeout()
    {
        var socket = CreateTestProbe();
        var agent = TestAgent() with
        {
            Config = TestAgent().Config with
            {
                Features = new() { SilenceManagement = new() { IsEnabled = true, ReminderSilenceThresholdSeconds = 0.2, MaxReminderAttempts = 2 } },
            },
        };
        StartChat("c11", socket, agent);
        Assert.Equal("Are you there? (1)", socket.ExpectMsg<ConversationOutput.Utterance>(TimeSpan.FromSeconds(3)).Text);
        Assert.Equal("Are you there? (2)", socket.ExpectMsg<ConversationOutput.Utterance>(TimeSpan.FromSeconds(3)).Text);
        Assert.Equal(FinishReasons.SilenceTimeout, socket.ExpectMsg<ConversationOutput.Finished>(TimeSpan.FromSeconds(3)).Result.FinishReason);
    }

    [Fact]
    public void Max_duration_ends_the_conversation()
    {
        var socket = CreateTestProbe();
        var agent = TestAgent() with
        {
            Config = TestAgent().Config with { Features = new() { MaxDuration = new() { IsEnabled = true, MaxDurationSeconds = 1 } } },
        };
        StartChat("c12", socket, agent);
        Assert.Equal(FinishReasons.MaxDuration, socket.ExpectMsg<ConversationOutput.Finished>(TimeSpan.FromSeconds(4)).Result.FinishReason);
    }
}
