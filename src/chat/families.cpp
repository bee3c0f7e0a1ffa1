// The chat-template families lumen renders, matching the reference's prompt text
// byte for byte. Regular families are rows of turn formats; the rest are small
// functions below the table.
#include "chat/families.hpp"

#include <cctype>

namespace lumen::chat {

std::string trim(std::string_view s) {
    auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

namespace {

using Messages = std::span<const ChatMessage>;

// Llama-2 and variants: [INST] turns, optional <<SYS>> block, optional BOS
// inside the history, optional trimming.
std::string llama2(Messages m, bool with_sys, bool bos_inside, bool strip) {
    std::string out = "[INST] ";
    bool in_turn = true;
    for (const auto& msg : m) {
        const std::string content = strip ? trim(msg.content) : msg.content;
        if (!in_turn) {
            in_turn = true;
            out += bos_inside ? "<s>[INST] " : "[INST] ";
        }
        if (msg.role == "system") out += with_sys ? "<<SYS>>\n" + content + "\n<</SYS>>\n\n" : content + "\n";
        else if (msg.role == "user") out += content + " [/INST]";
        else {
            out += content + "</s>";
            in_turn = false;
        }
    }
    return out;
}
std::string llama2_plain(Messages m, bool) { return llama2(m, false, false, false); }
std::string llama2_sys(Messages m, bool) { return llama2(m, true, false, false); }
std::string llama2_sys_bos(Messages m, bool) { return llama2(m, true, true, false); }
std::string llama2_sys_strip(Messages m, bool) { return llama2(m, true, false, true); }

// Mistral v1/v3/v3-tekken: differ in the spaces around [INST] and trimming.
std::string mistral(Messages m, const char* lead, const char* trail, bool trim_assistant) {
    std::string out;
    bool in_turn = false;
    for (const auto& msg : m) {
        if (!in_turn) {
            out += std::string(lead) + "[INST]" + trail;
            in_turn = true;
        }
        if (msg.role == "system") out += msg.content + "\n\n";
        else if (msg.role == "user") out += msg.content + lead + "[/INST]";
        else {
            out += trail + (trim_assistant ? trim(msg.content) : msg.content) + "</s>";
            in_turn = false;
        }
    }
    return out;
}
std::string mistral_v1(Messages m, bool) { return mistral(m, " ", " ", false); }
std::string mistral_v3(Messages m, bool) { return mistral(m, "", " ", true); }
std::string mistral_v3_tekken(Messages m, bool) { return mistral(m, "", "", false); }

std::string mistral_v7(Messages m, bool) {
    std::string out;
    for (const auto& msg : m) {
        if (msg.role == "system") out += "[SYSTEM_PROMPT] " + msg.content + "[/SYSTEM_PROMPT]";
        else if (msg.role == "user") out += "[INST] " + msg.content + "[/INST]";
        else out += " " + msg.content + "</s>";
    }
    return out;
}

// Gemma has no system role: the system text opens the next user turn.
std::string gemma(Messages m, bool gen) {
    std::string out, system;
    for (const auto& msg : m) {
        if (msg.role == "system") {
            system += trim(msg.content);
            continue;
        }
        const std::string role = msg.role == "assistant" ? "model" : msg.role;
        out += "<start_of_turn>" + role + "\n";
        if (!system.empty() && role != "model") {
            out += system + "\n\n";
            system.clear();
        }
        out += trim(msg.content) + "<end_of_turn>\n";
    }
    if (gen) out += "<start_of_turn>model\n";
    return out;
}

std::string orion(Messages m, bool) {
    std::string out, system;
    for (const auto& msg : m) {
        if (msg.role == "system") {
            system += msg.content;
        } else if (msg.role == "user") {
            out += "Human: ";
            if (!system.empty()) {
                out += system + "\n\n";
                system.clear();
            }
            out += msg.content + "\n\nAssistant: </s>";
        } else {
            out += msg.content + "</s>";
        }
    }
    return out;
}

// BOS inside the history, except before the first message.
std::string monarch(Messages m, bool gen) {
    std::string out;
    for (size_t i = 0; i < m.size(); ++i) out += (i ? "<s>" : "") + m[i].role + "\n" + m[i].content + "</s>\n";
    if (gen) out += "<s>assistant\n";
    return out;
}

std::string gigachat(Messages m, bool gen) {
    const bool has_system = !m.empty() && m[0].role == "system";
    std::string out = has_system ? "<s>" + m[0].content + "<|message_sep|>" : "<s>";
    for (size_t i = has_system ? 1 : 0; i < m.size(); ++i) {
        if (m[i].role == "user")
            out += "user<|role_sep|>" + m[i].content + "<|message_sep|>available functions<|role_sep|>[]<|message_sep|>";
        else if (m[i].role == "assistant")
            out += "assistant<|role_sep|>" + m[i].content + "<|message_sep|>";
    }
    if (gen) out += "assistant<|role_sep|>";
    return out;
}

constexpr TurnFormat kSkip{"", "", false, true};

}  // namespace

const std::vector<Family>& families() {
    // clang-format off
    static const std::vector<Family> table = {
        // name            preamble        system                                       user                                          assistant                                                   other                                     generation prompt
        {"chatml",         "", {"<|im_start|>{role}\n", "<|im_end|>\n"}, {"<|im_start|>{role}\n", "<|im_end|>\n"}, {"<|im_start|>{role}\n", "<|im_end|>\n"}, {"<|im_start|>{role}\n", "<|im_end|>\n"}, "<|im_start|>assistant\n", nullptr, {"<|im_end|>"}},
        {"llama2",         "", {}, {}, {}, {}, "", llama2_plain, {"</s>"}},
        {"llama2-sys",     "", {}, {}, {}, {}, "", llama2_sys, {"</s>"}},
        {"llama2-sys-bos", "", {}, {}, {}, {}, "", llama2_sys_bos, {"</s>"}},
        {"llama2-sys-strip", "", {}, {}, {}, {}, "", llama2_sys_strip, {"</s>"}},
        {"mistral-v1",     "", {}, {}, {}, {}, "", mistral_v1, {"</s>"}},
        {"mistral-v3",     "", {}, {}, {}, {}, "", mistral_v3, {"</s>"}},
        {"mistral-v3-tekken", "", {}, {}, {}, {}, "", mistral_v3_tekken, {"</s>"}},
        {"mistral-v7",     "", {}, {}, {}, {}, "", mistral_v7, {"</s>"}},
        {"phi3",           "", {"<|{role}|>\n", "<|end|>\n"}, {"<|{role}|>\n", "<|end|>\n"}, {"<|{role}|>\n", "<|end|>\n"}, {"<|{role}|>\n", "<|end|>\n"}, "<|assistant|>\n", nullptr, {"<|end|>"}},
        {"phi4",           "", {"<|im_start|>{role}<|im_sep|>", "<|im_end|>"}, {"<|im_start|>{role}<|im_sep|>", "<|im_end|>"}, {"<|im_start|>{role}<|im_sep|>", "<|im_end|>"}, {"<|im_start|>{role}<|im_sep|>", "<|im_end|>"}, "<|im_start|>assistant<|im_sep|>", nullptr, {"<|im_end|>"}},
        {"falcon3",        "", {"<|{role}|>\n", "\n"}, {"<|{role}|>\n", "\n"}, {"<|{role}|>\n", "\n"}, {"<|{role}|>\n", "\n"}, "<|assistant|>\n", nullptr, {"<|user|>"}},
        {"zephyr",         "", {"<|{role}|>\n", "<|endoftext|>\n"}, {"<|{role}|>\n", "<|endoftext|>\n"}, {"<|{role}|>\n", "<|endoftext|>\n"}, {"<|{role}|>\n", "<|endoftext|>\n"}, "<|assistant|>\n", nullptr, {"<|endoftext|>"}},
        {"monarch",        "", {}, {}, {}, {}, "", monarch, {"</s>"}},
        {"gemma",          "", {}, {}, {}, {}, "", gemma, {"<end_of_turn>"}},
        {"orion",          "", {}, {}, {}, {}, "", orion, {"</s>"}},
        {"openchat",       "", {"", "<|end_of_turn|>"}, {"GPT4 Correct {Role}: ", "<|end_of_turn|>"}, {"GPT4 Correct {Role}: ", "<|end_of_turn|>"}, {"GPT4 Correct {Role}: ", "<|end_of_turn|>"}, "GPT4 Correct Assistant:", nullptr, {"<|end_of_turn|>"}},
        {"vicuna",         "", {"", "\n\n"}, {"USER: ", "\n"}, {"ASSISTANT: ", "</s>\n"}, kSkip, "ASSISTANT:", nullptr, {"</s>"}},
        {"vicuna-orca",    "", {"SYSTEM: ", "\n"}, {"USER: ", "\n"}, {"ASSISTANT: ", "</s>\n"}, kSkip, "ASSISTANT:", nullptr, {"</s>"}},
        {"deepseek",       "", {"", ""}, {"### Instruction:\n", "\n"}, {"### Response:\n", "\n<|EOT|>\n"}, kSkip, "### Response:\n", nullptr, {"<|EOT|>"}},
        {"command-r",      "", {"<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>", "<|END_OF_TURN_TOKEN|>", true}, {"<|START_OF_TURN_TOKEN|><|USER_TOKEN|>", "<|END_OF_TURN_TOKEN|>", true}, {"<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>", "<|END_OF_TURN_TOKEN|>", true}, kSkip, "<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>", nullptr, {"<|END_OF_TURN_TOKEN|>"}},
        {"llama3",         "", {"<|start_header_id|>{role}<|end_header_id|>\n\n", "<|eot_id|>", true}, {"<|start_header_id|>{role}<|end_header_id|>\n\n", "<|eot_id|>", true}, {"<|start_header_id|>{role}<|end_header_id|>\n\n", "<|eot_id|>", true}, {"<|start_header_id|>{role}<|end_header_id|>\n\n", "<|eot_id|>", true}, "<|start_header_id|>assistant<|end_header_id|>\n\n", nullptr, {"<|eot_id|>"}},
        {"chatglm3",       "[gMASK]sop", {"<|{role}|>\n ", ""}, {"<|{role}|>\n ", ""}, {"<|{role}|>\n ", ""}, {"<|{role}|>\n ", ""}, "<|assistant|>", nullptr, {"<|user|>"}},
        {"chatglm4",       "[gMASK]<sop>", {"<|{role}|>\n", ""}, {"<|{role}|>\n", ""}, {"<|{role}|>\n", ""}, {"<|{role}|>\n", ""}, "<|assistant|>", nullptr, {"<|user|>"}},
        {"glmedge",        "", {"<|{role}|>\n", ""}, {"<|{role}|>\n", ""}, {"<|{role}|>\n", ""}, {"<|{role}|>\n", ""}, "<|assistant|>", nullptr, {"<|user|>"}},
        {"minicpm",        "", {"", "", true}, {"<用户>", "<AI>", true}, {"", "", true}, {"", "", true}, "", nullptr, {"<用户>"}},
        {"deepseek2",      "", {"", "\n\n"}, {"User: ", "\n\n"}, {"Assistant: ", "<｜end▁of▁sentence｜>"}, kSkip, "Assistant:", nullptr, {"<｜end▁of▁sentence｜>"}},
        {"deepseek3",      "", {"", "\n\n"}, {"<｜User｜>", ""}, {"<｜Assistant｜>", "<｜end▁of▁sentence｜>"}, kSkip, "<｜Assistant｜>", nullptr, {"<｜end▁of▁sentence｜>"}},
        {"exaone3",        "", {"[|system|]", "[|endofturn|]\n", true}, {"[|user|]", "\n", true}, {"[|assistant|]", "[|endofturn|]\n", true}, kSkip, "[|assistant|]", nullptr, {"[|endofturn|]"}},
        {"rwkv-world",     "", {"", "\n\n"}, {"User: ", "\n\nAssistant:"}, {"", "\n\n"}, kSkip, "", nullptr, {"\n\n"}},
        {"granite",        "", {"<|start_of_role|>{role}<|end_of_role|>", "<|end_of_text|>\n"}, {"<|start_of_role|>{role}<|end_of_role|>", "<|end_of_text|>\n"}, {"<|start_of_role|>{role}<|end_of_role|>", "<|end_of_text|>\n"}, {"<|start_of_role|>{role}<|end_of_role|>", "<|end_of_text|>\n"}, "<|start_of_role|>assistant<|end_of_role|>\n", nullptr, {"<|end_of_text|>"}},
        {"gigachat",       "", {}, {}, {}, {}, "", gigachat, {"<|message_sep|>"}},
        {"megrez",         "", {"<|role_start|>{role}<|role_end|>", "<|turn_end|>"}, {"<|role_start|>{role}<|role_end|>", "<|turn_end|>"}, {"<|role_start|>{role}<|role_end|>", "<|turn_end|>"}, {"<|role_start|>{role}<|role_end|>", "<|turn_end|>"}, "<|role_start|>assistant<|role_end|>", nullptr, {"<|turn_end|>"}},
    };
    // clang-format on
    return table;
}

int detect_family(std::string_view t) {
    auto has = [t](std::string_view s) { return t.find(s) != std::string_view::npos; };
    auto index = [](std::string_view name) {
        const auto& f = families();
        for (size_t i = 0; i < f.size(); ++i)
            if (name == f[i].name) return int(i);
        return -1;
    };
    // The order matters: several families share markers. These are the
    // markers the reference looks for, in its order.
    if (has("<|im_start|>")) return index(has("<|im_sep|>") ? "phi4" : "chatml");
    if (t.rfind("mistral", 0) == 0 || has("[INST]")) {
        if (has("[SYSTEM_PROMPT]")) return index("mistral-v7");
        if (has("' [INST] ' + system_message") || has("[AVAILABLE_TOOLS]")) {
            if (has(" [INST]")) return index("mistral-v1");
            if (has("\"[INST]\"")) return index("mistral-v3-tekken");
            return index("mistral-v3");
        }
        if (has("content.strip()")) return index("llama2-sys-strip");
        if (has("bos_token + '[INST]")) return index("llama2-sys-bos");
        if (has("<<SYS>>")) return index("llama2-sys");
        return index("llama2");
    }
    if (has("<|assistant|>") && has("<|end|>")) return index("phi3");
    if (has("[gMASK]<sop>")) return index("chatglm4");
    if (has("<|assistant|>") && has("<|user|>")) return index(has("</s>") ? "falcon3" : "glmedge");
    if (has("<|{{ item['role'] }}|>") && has("<|begin_of_image|>")) return index("glmedge");
    if (has("<|user|>") && has("<|endoftext|>")) return index("zephyr");
    if (has("bos_token + message['role']")) return index("monarch");
    if (has("<start_of_turn>")) return index("gemma");
    if (has("'\\n\\nAssistant: ' + eos_token")) return index("orion");
    if (has("GPT4 Correct ")) return index("openchat");
    if (has("USER: ") && has("ASSISTANT: ")) return index(has("SYSTEM: ") ? "vicuna-orca" : "vicuna");
    if (has("### Instruction:") && has("<|EOT|>")) return index("deepseek");
    if (has("<|START_OF_TURN_TOKEN|>") && has("<|USER_TOKEN|>")) return index("command-r");
    if (has("<|start_header_id|>") && has("<|end_header_id|>")) return index("llama3");
    if (has("[gMASK]sop")) return index("chatglm3");
    if (has("<用户>")) return index("minicpm");
    if (has("'Assistant: ' + message['content'] + eos_token")) return index("deepseek2");
    if (has("<｜Assistant｜>") && has("<｜User｜>") && has("<｜end▁of▁sentence｜>")) return index("deepseek3");
    if (has("[|system|]") && has("[|assistant|]") && has("[|endofturn|]")) return index("exaone3");
    if (has("rwkv-world")) return index("rwkv-world");
    if (has("<|start_of_role|>")) return index("granite");
    if (has("message['role'] + additional_special_tokens[0] + message['content'] + additional_special_tokens[1]"))
        return index("gigachat");
    if (has("<|role_start|>")) return index("megrez");
    return -1;
}

}  // namespace lumen::chat
