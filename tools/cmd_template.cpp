// `lumen template (-m MODEL | --name NAME | --template-file FILE) -f conversation.json`:
// the exact prompt text a conversation renders to.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "lumen/chat_template.hpp"
#include "lumen/error.hpp"
#include "lumen/gguf.hpp"
#include "options.hpp"
#include "text_input.hpp"

namespace lumen::cli {

namespace {

struct TemplateCli {
    std::string model, name, template_file, conversation;
    bool no_generation_prompt = false;
};

void run(const TemplateCli& o) {
    std::optional<ChatTemplate> t;
    if (!o.name.empty()) {
        t = ChatTemplate::from_name(o.name);
        if (!t) throw Error("unknown template name '" + o.name + "'");
    } else {
        std::string src;
        if (!o.template_file.empty()) src = read_text_input(o.template_file, "chat template", kMaxTemplateBytes);
        else if (!o.model.empty()) src = GgufFile::open(file_path(o.model)).get_string("tokenizer.chat_template");
        else throw Error("give -m MODEL, --name NAME or --template-file FILE");
        t = ChatTemplate::detect(src);
        if (!t) {
            std::fprintf(stderr, "warning: template not recognized; using chatml\n");
            t = ChatTemplate::from_name("chatml");
        }
    }
    nlohmann::json conv;
    try {
        conv = nlohmann::json::parse(read_text_input(o.conversation, "conversation", kMaxConversationBytes));
    } catch (const nlohmann::json::exception& e) {
        throw Error(o.conversation + ": not valid JSON: " + e.what());
    }
    std::vector<ChatMessage> msgs;
    if (!conv.is_array()) throw Error(o.conversation + ": expected a list of {\"role\", \"content\"} objects");
    for (const auto& m : conv) {
        if (!m.is_object() || !m.contains("role") || !m.contains("content") || !m["role"].is_string() ||
            !m["content"].is_string())
            throw Error(o.conversation + ": every message needs string \"role\" and \"content\"");
        msgs.push_back({m["role"], m["content"]});
    }
    std::fprintf(stderr, "template: %s\n", t->name().c_str());
    const std::string out = t->render(msgs, !o.no_generation_prompt);
    std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace

void register_template(CLI::App& app) {
    auto o = std::make_shared<TemplateCli>();
    CLI::App* cmd = app.add_subcommand("template", "Print the exact prompt a conversation renders to");
    cmd->add_option("-m,--model", o->model, "Take the template from this model");
    cmd->add_option("--name", o->name, "A built-in template by name");
    cmd->add_option("--template-file", o->template_file, "A Jinja template source file");
    cmd->add_option("-f,--file", o->conversation, "conversation.json: a list of {role, content}")->required();
    cmd->add_flag("--no-generation-prompt", o->no_generation_prompt, "Do not open an assistant turn at the end");
    cmd->callback([o] { run(*o); });
}

}  // namespace lumen::cli
