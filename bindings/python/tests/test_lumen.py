"""The Python binding over the real library and stories260K: streaming,
greedy goldens, loading three ways, KV state, LoRA and errors carrying the C
message. Run by ctest with LUMEN_LIBRARY, LUMEN_SOURCE_DIR and PYTHONPATH set."""
import os
import unittest

import lumen

SOURCE = os.environ.get("LUMEN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
STORIES = os.path.join(SOURCE, "models", "stories260K.gguf")
SYNTH = os.path.join(SOURCE, "tests", "data", "models", "synth")
GOLDEN_IDS = [432, 383, 286, 261, 376, 298, 315, 421]  # greedy after "Once upon a time" (as tests/package)


class ModelTest(unittest.TestCase):
    def test_version_and_info(self):
        self.assertEqual(lumen.API_VERSION, 1000)
        self.assertIn("C API 1.0", lumen.version())
        with lumen.Model(STORIES) as m:
            self.assertEqual((m.arch, m.n_vocab, m.n_layer, m.bos, m.eos), ("llama", 512, 5, 1, 2))
            self.assertTrue(m.is_end(2))
            self.assertFalse(m.is_end(100))

    def test_tokens_round_trip(self):
        with lumen.Model(STORIES) as m:
            ids = m.tokenize("Once upon a time")
            self.assertEqual(ids[0], 1)
            self.assertEqual(m.detokenize(ids[1:]), "Once upon a time")

    def test_buffer_and_fd_give_the_path_logits(self):
        def logits(model):
            with lumen.Session(model, n_ctx=64, n_threads=1) as s:
                s.eval(model.tokenize("Once upon a time"))
                return s.logits()
        with lumen.Model(STORIES) as m:
            want = logits(m)
        with open(STORIES, "rb") as f:
            data = f.read()
        with lumen.Model(data=data) as m:
            self.assertEqual(logits(m), want)
        with open(STORIES, "rb") as f:
            with lumen.Model(fd=f.fileno()) as m:
                self.assertEqual(logits(m), want)

    def test_progress_log_and_abort(self):
        seen, lines = [], []
        lumen.Model(STORIES, progress=seen.append, log=lambda level, msg: lines.append(msg)).close()
        self.assertEqual((seen[0], seen[-1]), (0.0, 1.0))
        self.assertEqual(len(lines), 1)
        self.assertIn("5 layers", lines[0])
        with self.assertRaises(lumen.LumenError) as e:
            lumen.Model(STORIES, progress=lambda f: False)
        self.assertEqual(e.exception.status, "LUMEN_ERR_ABORTED")
        self.assertIn("aborted by the progress callback", str(e.exception))


class GenerateTest(unittest.TestCase):
    def setUp(self):
        self.model = lumen.Model(STORIES)

    def tearDown(self):
        self.model.close()

    def test_greedy_tokens_match_the_golden(self):
        with lumen.Session(self.model, n_ctx=64, n_threads=1) as s:
            ids = list(s.generate_tokens("Once upon a time", lumen.Sampler(temp=0), n_predict=8, stop_at_end=False))
        self.assertEqual(ids, GOLDEN_IDS)

    def test_streamed_text_is_the_decoded_golden(self):
        with lumen.Session(self.model, n_ctx=64, n_threads=1) as s:
            pieces = list(s.generate("Once upon a time", lumen.Sampler(temp=0), n_predict=8, stop_at_end=False))
        self.assertGreater(len(pieces), 1)
        self.assertEqual("".join(pieces), self.model.detokenize(GOLDEN_IDS))

    def test_chat_streams_and_stops_when_the_consumer_stops(self):
        with lumen.Session(self.model, n_ctx=128, n_threads=1) as s:
            chat = lumen.Chat(s)
            whole = chat.say("Once upon a time", lumen.Sampler(temp=0), n_predict=8)
            self.assertEqual(whole, self.model.detokenize(GOLDEN_IDS))
            chat.reset()
            stream = chat.reply("Once upon a time", lumen.Sampler(temp=0), n_predict=8)
            first = next(stream)
            stream.close()  # stops the generation
            self.assertTrue(whole.startswith(first))
            self.assertLess(s.position, 5 + 8)

    def test_saved_state_resumes_with_the_same_tokens(self):
        greedy = lumen.Sampler(temp=0)
        with lumen.Session(self.model, n_ctx=64, n_threads=1) as a, lumen.Session(self.model, n_ctx=64) as b:
            a.eval(self.model.tokenize("Once upon a time"))
            state = a.save_state()
            want = [greedy.sample(a)]
            a.eval(want)
            want.append(greedy.sample(a))
            b.load_state(state)
            self.assertEqual(b.position, 5)
            b.eval(want[:1])
            self.assertEqual(greedy.sample(b), want[1])

    def test_lora_changes_only_its_session(self):
        with lumen.Model(os.path.join(SYNTH, "tiny-f32.gguf")) as m, lumen.Session(m, n_ctx=16) as s:
            lora = lumen.Lora(m, os.path.join(SYNTH, "tiny-lora-r8.gguf"))
            s.eval([1, 5, 9])
            base = s.logits()
            s.reset()
            s.attach_lora(lora, 1.0)
            s.eval([1, 5, 9])
            self.assertNotEqual(s.logits(), base)
            s.detach_lora(lora)
            s.reset()
            s.eval([1, 5, 9])
            self.assertEqual(s.logits(), base)

    def test_template(self):
        text = self.model.apply_template([("user", "Hi")], template="chatml")
        self.assertEqual(text, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")


class ErrorTest(unittest.TestCase):
    def test_errors_carry_the_c_message(self):
        with self.assertRaises(lumen.LumenError) as e:
            lumen.Model("/no/such/model.gguf")
        self.assertEqual(e.exception.status, "LUMEN_ERR_IO")
        self.assertIn("/no/such/model.gguf", str(e.exception))
        with lumen.Model(STORIES) as m:
            s = lumen.Session(m, n_ctx=8)
            with self.assertRaises(lumen.LumenError) as e:
                s.eval([1, 9999])
            self.assertIn("token id 9999", str(e.exception))
            with self.assertRaises(lumen.LumenError) as e:
                s.eval(list(range(1, 10)))
            self.assertEqual(e.exception.status, "LUMEN_ERR_CONTEXT_FULL")
            s.close()
            with self.assertRaises(lumen.LumenError) as e:
                s.eval([1])
            self.assertEqual(e.exception.status, "LUMEN_ERR_CLOSED")
            self.assertIn("the session is closed", str(e.exception))
            with self.assertRaises(TypeError):
                lumen.Sampler(temperature=0.5)


if __name__ == "__main__":
    unittest.main()
