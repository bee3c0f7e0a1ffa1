// Chat templates against the reference renderings (golden/chat/renderings.json):
// every built-in family by name, and every real model's Jinja template detected
// to the right family and rendered byte for byte.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "lumen/chat_template.hpp"
#include "test_helpers.hpp"

using namespace lumen;

TEST_CASE("chat templates render exactly like the reference, by name and from Jinja sources") {
    const auto convs = nlohmann::json::parse(test::read_text(test::golden_path("chat/conversations.json")));
    const auto records = nlohmann::json::parse(test::read_text(test::golden_path("chat/renderings.json")));
    REQUIRE(records.size() == 120);
    int builtin = 0, detected = 0;
    for (const auto& r : records) {
        std::vector<ChatMessage> msgs;
        for (const auto& m : convs[r["conversation"].get<std::string>()])
            msgs.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
        const std::string source = r["source"];
        INFO(source << " / " << r["conversation"].get<std::string>());
        std::optional<ChatTemplate> t;
        if (r.contains("builtin_name")) {
            t = ChatTemplate::from_name(r["builtin_name"].get<std::string>());
            ++builtin;
        } else {
            t = ChatTemplate::detect(r["template"].get<std::string>());
            ++detected;
        }
        REQUIRE(t.has_value());
        CHECK(t->render(msgs, r["add_generation_prompt"].get<bool>()) == r["rendered"].get<std::string>());
    }
    CHECK(builtin == 66);
    CHECK(detected == 54);
}

TEST_CASE("chat templates: names, unknown sources, end-of-turn markers") {
    CHECK(ChatTemplate::names().size() == 33);
    CHECK_FALSE(ChatTemplate::detect("{{ messages }} plain").has_value());
    CHECK(ChatTemplate::from_name("chatml")->end_of_turn() == std::vector<std::string>{"<|im_end|>"});
    CHECK(ChatTemplate::detect("llama3")->name() == "llama3");
}
