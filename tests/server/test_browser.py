"""The chat page in a real browser (headless Chromium through chromedriver):
it loads offline from the server alone, a question typed with the keyboard
is answered by streaming, the math in the conversation is typeset by KaTeX,
and Stop ends a long answer and frees the server's slot.

The tiny test model cannot write LaTeX, so the formula is in the question:
questions and answers go through the same render() (Markdown, then KaTeX),
and the answer's own Markdown rendering is checked separately.
usage: test_browser.py LUMEN ROOT [SCREENSHOT.png]"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from serverlib import Server, check, finish  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

LUMEN, ROOT = sys.argv[1], sys.argv[2]
SHOT = sys.argv[3] if len(sys.argv) > 3 else None

s = Server(LUMEN, ["-m", os.path.join(ROOT, "models", "stories260K.gguf"), "-np", "2", "-t", "1", "-c", "4096",
                   "-n", "100000"])
profile = tempfile.TemporaryDirectory(prefix="lumen-chromium-")
opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
             f"--user-data-dir={profile.name}", "--window-size=900,900"]:
    opts.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
wait = WebDriverWait(driver, 30)
try:
    driver.get(f"http://127.0.0.1:{s.port}/")
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#subject option")) == 1)
    check("page: libraries loaded from the server", driver.execute_script(
        "return typeof marked === 'object' && typeof katex === 'object'"))
    check("page: subject list from /v1/models",
          driver.find_element(By.CSS_SELECTOR, "#subject option").get_attribute("value") == "stories260K")
    check("page: controls are labelled", all(driver.find_elements(By.CSS_SELECTOR, f"label[for={i}]")
                                             for i in ("question", "subject", "api-key", "max-tokens")))

    # A question with math, sent with the keyboard (Enter).
    driver.find_element(By.CSS_SELECTOR, "#settings summary").click()
    driver.find_element(By.ID, "max-tokens").send_keys("40")
    box = driver.find_element(By.ID, "question")
    box.send_keys(r"Once upon a time, a girl learned that $E = mc^2$ and $$\frac{a}{b}$$")
    box.send_keys(Keys.ENTER)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".msg.assistant[data-done]"))
    answer = driver.find_element(By.CSS_SELECTOR, ".msg.assistant")
    text = answer.get_attribute("data-text")
    check("answer streamed and finished", answer.get_attribute("data-done") == "length" and len(text) > 20, text)
    # The sampled answer may open with anything (a list, an indented block...): any
    # block marked produced counts; raw text straight in the body would not.
    blocks = ", ".join(".body > " + t for t in ("p", "pre", "ul", "ol", "blockquote", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr"))
    check("answer rendered as Markdown", bool(answer.find_elements(By.CSS_SELECTOR, blocks)))
    question = driver.find_element(By.CSS_SELECTOR, ".msg.user")
    tex = [a.get_attribute("textContent") for a in question.find_elements(By.CSS_SELECTOR, ".katex annotation")]
    check("KaTeX typeset the formulas", tex == ["E = mc^2", r"\frac{a}{b}"], tex)
    check("KaTeX display math", bool(question.find_elements(By.CSS_SELECTOR, ".katex-display .mfrac")))
    fonts = driver.execute_script(
        "return document.fonts.check('16px KaTeX_Main') && [...document.fonts].some(f => f.status === 'loaded' && "
        "f.family.includes('KaTeX'))")
    check("KaTeX fonts served by the server", fonts)
    if SHOT:  # light on a laptop, and dark on a phone-sized window
        driver.save_screenshot(SHOT)
        driver.set_window_size(420, 860)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                               {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        driver.save_screenshot(SHOT.replace(".png", "-phone-dark.png"))
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        driver.set_window_size(900, 900)

    # A long answer, stopped with the Stop button.
    limit = driver.find_element(By.ID, "max-tokens")
    limit.clear()
    limit.send_keys("3000")
    # The tiny model writes 3000 tokens in well under a second here; on a busy
    # machine the browser may only look once the answer is complete (then the
    # Stop button is rightly disabled), or the answer may end between the look
    # and the click (then it ends as "length", not "stopped"). Either way: ask
    # again (a few times at most) until a click stops an answer.
    stop = driver.find_element(By.ID, "stop")
    enabled_while_answering = False
    for attempt in range(5):
        n_before = len(driver.find_elements(By.CSS_SELECTOR, ".msg.assistant"))
        tokens_before = s.metrics()["lumen_generated_tokens_total"]
        box.send_keys("Tell me a very long story")
        driver.find_element(By.ID, "send").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".msg.assistant")) == n_before + 1 and
                   len(d.find_elements(By.CSS_SELECTOR, ".msg.assistant")[-1].get_attribute("data-text") or "") > 30)
        long = driver.find_elements(By.CSS_SELECTOR, ".msg.assistant")[-1]
        if stop.is_enabled() and not long.get_attribute("data-done"):
            enabled_while_answering = True
            stop.click()
            wait.until(lambda d: long.get_attribute("data-done"))
            if long.get_attribute("data-done") == "stopped":
                break
        wait.until(lambda d: not d.find_element(By.ID, "send").get_attribute("disabled"))
    check("stop button enabled while answering", enabled_while_answering, f"attempt {attempt + 1}")
    check("the Stop button stopped an answer", long.get_attribute("data-done") == "stopped",
          f"attempt {attempt + 1}: {long.get_attribute('data-done')}")
    before = long.get_attribute("data-text")
    time.sleep(0.5)
    check("stopped answer stays as it was", long.get_attribute("data-text") == before and
          "stopped" in long.get_attribute("class"))
    check("stop button disabled again", not stop.is_enabled())
    freed = False
    for _ in range(40):
        m = s.metrics()
        if m["lumen_slots_busy"] == 0 and m['lumen_requests_total{outcome="cancelled"}'] == 1:
            freed = True
            break
        time.sleep(0.1)
    check("stop frees the server's slot", freed, m)
    check("the stopped answer was cut short", m["lumen_generated_tokens_total"] - tokens_before < 3000, m)
finally:
    driver.quit()
check("exit 0", s.stop() == 0)
finish()
