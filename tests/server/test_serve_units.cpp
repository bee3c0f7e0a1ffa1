// Pieces of `lumen serve` that need no server: stop strings split across
// pieces, request validation naming the field, the job channel.
#include <catch2/catch.hpp>

#include <thread>

#include "api_request.hpp"
#include "job.hpp"
#include "stop_strings.hpp"

using namespace lumen::serve;

namespace {

std::string run(StopFilter& f, std::initializer_list<std::string_view> pieces) {
    std::string out;
    for (auto p : pieces) out += f.push(p);
    return out + f.flush();
}

}  // namespace

TEST_CASE("stop strings cut the text where they begin, across pieces") {
    StopFilter a({"\nUser:"});
    CHECK(run(a, {"Hello", " there\nUs", "er: more"}) == "Hello there");
    CHECK(a.hit());
    StopFilter b({"\nUser:"});
    CHECK(run(b, {"Hello\nU", "nder the sea"}) == "Hello\nUnder the sea");  // a prefix that was not a stop
    CHECK_FALSE(b.hit());
    StopFilter c({"abc", "bd"});
    CHECK(c.push("xab") == "x");  // "ab" may still become "abc"
    CHECK(c.push("d") == "a");  // "abd": "bd" is found after "a"
    CHECK(c.hit());
    StopFilter none({});
    CHECK(run(none, {"a", "b"}) == "ab");
}

TEST_CASE("requests: wrong types and ranges name the field") {
    Catalog cat{"model", {}};
    auto param = [&](const char* body, bool chat = true) {
        try {
            parse_completion_request(body, chat, cat);
        } catch (const ApiError& e) {
            return std::to_string(e.status) + " " + e.param;
        }
        return std::string("ok");
    };
    CHECK(param(R"({"messages":[{"role":"user","content":"hi"}]})") == "ok");
    CHECK(param(R"({"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"foo":{}})") == "ok");
    CHECK(param(R"({"messages":[{"role":"user","content":"hi"}],"top_k":-1})") == "400 top_k");
    CHECK(param(R"({"messages":[{"role":"user","content":"hi"}],"seed":18446744073709551615})") == "400 seed");
    CHECK(param(R"({"messages":[{"role":"user","content":[{"type":"image_url"}]}]})") == "400 messages[0].content[0]");
    CHECK(param(R"({"messages":[{"role":"user","content":"hi"}],"model":"other"})") == "404 model");
    CHECK(param(R"({"prompt":["a","b"]})", false) == "400 prompt");
    CHECK(param(R"({"prompt":"a","stop":["1","2","3","4","5"]})", false) == "400 stop");
    const auto r = parse_completion_request(R"({"prompt":"a","temperature":0,"max_tokens":7,"stop":"x"})", false, cat);
    CHECK(r.sampling.temp == 0.f);
    CHECK(r.max_tokens == 7);
    CHECK(r.stop == std::vector<std::string>{"x"});
    CHECK(r.model == "model");
}

TEST_CASE("a job hands text from the scheduler thread to the connection") {
    Job job(GenerationSpec{});
    std::thread producer([&] {
        for (int i = 0; i < 100; ++i) job.push_text("ab");
        job.finish(Finish::length, 3, 1, 100);
    });
    std::string got;
    for (bool done = false; !done;) {
        auto u = job.wait(std::chrono::steady_clock::now() + std::chrono::seconds(10));
        got += u.text;
        done = u.finished;
    }
    producer.join();
    CHECK(got.size() == 200);
    CHECK(job.finish_reason() == Finish::length);
    CHECK(job.generated_tokens() == 100);
    CHECK(std::string(finish_name(job.finish_reason())) == "length");
}
