"""The web workspace in a real browser: headless Debian Chromium, driven by selenium through
the system chromedriver, against `gongwen serve` started as a user starts it, over an
archive the CLI built from a sample. Screenshots of each step go to a temporary folder
(or to $GONGWEN_SCREENSHOTS), named in the test's output."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .clirun import ROOT, gongwen

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HAVE_BROWSER = Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = pytest.mark.skipif(
    not HAVE_BROWSER and not IN_CI,
    reason="Chromium 或 chromedriver 未安装（bash setup.sh test 会安装）；CI 中必须运行")

SAMPLES = ["关于印发柳溪镇2024年防汛抗旱应急工作方案的通知.yaml",
           "柳溪镇2024年防汛抗旱应急工作方案.yaml",
           "关于印发疫情防控工作方案的通知.yaml"]
NAME, PASSWORD = "审计员小王", "browser-test-password"
CLERK, CLERK_PASSWORD = "文书小李", "clerk-browser-password"
START_S = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("web-browser")
    root = work / "arc"
    gongwen("generate", *(ROOT / "samples" / s for s in SAMPLES), "-o", work / "out",
            "--archive", "-A", root, "-q", expect=0)
    gongwen("user", "add", NAME, "--role", "auditor", "-A", root, stdin=PASSWORD + "\n", expect=0)
    gongwen("user", "add", CLERK, "--role", "clerk", "-A", root, stdin=CLERK_PASSWORD + "\n",
            expect=0)
    return root


@pytest.fixture(scope="module")
def server(archive):
    """`gongwen serve` in its own process on a free port of 127.0.0.1 (its default host)."""
    port = free_port()
    env = os.environ.copy() | {"PYTHONPATH": str(ROOT)}
    log = archive.parent / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", "from cli import run; run()", "serve", "-A", str(archive),
             "--port", str(port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_S
    while True:
        try:
            with urllib.request.urlopen(base + "/login", timeout=5) as response:
                assert response.status == 200
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gongwen serve did not start:\n" + log.read_text(errors="replace"))
            time.sleep(0.2)
    yield base
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    wanted = os.environ.get("GONGWEN_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,768", "--lang=zh-CN", "--no-first-run",
                "--disable-background-networking", "--disable-component-update"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def wait_for(driver, how, what, timeout=30):
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ec.presence_of_element_located((how, what)))


def navigating(driver, act, timeout=60) -> None:
    """Do `act` (a click, an Enter) and wait until the page it leads to has replaced this one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    act()
    WebDriverWait(driver, timeout).until(ec.staleness_of(old))


def total_of(driver) -> int:
    from selenium.webdriver.common.by import By

    text = wait_for(driver, By.ID, "total").text
    return int(re.search(r"共 (\d+) 条", text).group(1))


def snap(driver, shots: Path, name: str) -> None:
    path = shots / f"{name}.png"
    assert driver.save_screenshot(str(path)), path
    assert path.stat().st_size > 1000
    print(f"截图：{path}")


def paper_share(png: bytes) -> float:
    """The share of near-white pixels in a screenshot: the PDF's pages, on the viewer's dark
    background."""
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png)).convert("L")
    histogram = image.histogram()
    return sum(histogram[240:]) / (image.width * image.height)


def assert_pdf_drawn(element, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while (share := paper_share(element.screenshot_as_png)) < 0.2:
        assert time.monotonic() < deadline, f"PDF not drawn in the page ({share:.0%} white)"
        time.sleep(0.25)


def test_auditor_signs_in_searches_narrows_opens_a_record_and_verifies(server, browser, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/search?q=防汛")
    assert "/login" in browser.current_url  # no session: sent to sign in
    wait_for(browser, By.ID, "username").send_keys(NAME)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    snap(browser, shots, "1-登录")
    navigating(browser, lambda: browser.find_element(By.ID, "password").send_keys(Keys.ENTER))
    wait_for(browser, By.ID, "total")  # the keyboard suffices
    assert "/search?q=" in browser.current_url  # back where the bookmark pointed

    search = browser.find_element(By.ID, "q")
    search.clear()
    navigating(browser, lambda: search.send_keys("工作", Keys.ENTER))
    everything = total_of(browser)
    assert everything >= 2
    assert browser.find_elements(By.CSS_SELECTOR, ".snippet mark")
    snap(browser, shots, "2-检索")

    facet = browser.find_element(By.CSS_SELECTOR, '[data-facet="文种"] li a')
    wanted = int(facet.find_element(By.XPATH, "following-sibling::span").text)
    kind = facet.text
    navigating(browser, facet.click)
    wait_for(browser, By.CSS_SELECTOR, '[data-facet="文种"] strong[aria-current="true"]')
    assert total_of(browser) == wanted < everything
    assert "type=" in browser.current_url
    snap(browser, shots, "3-按文种筛选")
    for meta in browser.find_elements(By.CSS_SELECTOR, ".hit .meta"):
        assert kind in meta.text

    navigating(browser, browser.find_element(By.CSS_SELECTOR, ".hit a.title").click)
    code = wait_for(browser, By.ID, "archival-code").text
    assert code.startswith("Z001-WS·")
    pdf = browser.find_element(By.ID, "pdf")
    assert pdf.get_attribute("type") == "application/pdf"
    assert pdf.size["height"] > 300 and pdf.size["width"] > 300
    source = pdf.get_attribute("data")
    assert source.startswith(server + "/records/")  # same origin
    served = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(async r => done([r.status, r.headers.get('content-type'),"
        " new Uint8Array(await r.arrayBuffer()).slice(0, 5)]))", source)
    assert served[0] == 200 and served[1] == "application/pdf"
    assert bytes(served[2].values() if isinstance(served[2], dict) else served[2]) == b"%PDF-"
    assert browser.find_elements(By.CSS_SELECTOR, "#audit tbody tr")
    snap(browser, shots, "4-记录")
    browser.execute_script("arguments[0].scrollIntoView()", pdf)
    assert_pdf_drawn(pdf)  # the browser's own viewer shows the pages inside the record page
    snap(browser, shots, "4-记录中的PDF")

    navigating(browser, browser.find_element(By.LINK_TEXT, "校验").click)
    navigating(browser, browser.find_element(By.ID, "run-verify").click)
    ok = wait_for(browser, By.ID, "verify-ok", timeout=120)
    assert ok.text == "档案库完好。"
    snap(browser, shots, "5-校验")


def test_search_page_fits_a_phone(server, browser, shots):
    from selenium.webdriver.common.by import By

    sign_in_as(browser, server, NAME, PASSWORD)
    browser.get(server + "/search?q=防汛")
    wait_for(browser, By.ID, "total")
    browser.set_window_size(390, 844)
    try:
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        snap(browser, shots, "6-手机宽度")
    finally:
        browser.set_window_size(1366, 768)


def sign_in_as(browser, server, name: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(server + "/login")
    wait_for(browser, By.ID, "username").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(password)
    navigating(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click)
    wait_for(browser, By.ID, "q")


def test_clerk_uploads_files_with_metadata_and_sees_each_outcome(server, browser, shots,
                                                                 tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    notice = tmp_path / "关于开展防汛值班检查的通知.txt"
    notice.write_text("关于开展防汛值班检查的通知\n各村：\n请于汛前完成值班检查。\n柳溪镇人民政府\n"
                      "2024年5月6日\n", encoding="utf-8")
    other = tmp_path / "不支持的文件.exe"
    other.write_bytes(b"MZ not a document")
    sign_in_as(browser, server, CLERK, CLERK_PASSWORD)
    navigating(browser, browser.find_element(By.LINK_TEXT, "归档收文").click)
    chooser = wait_for(browser, By.ID, "files")
    chooser.send_keys(f"{notice}\n{other}")
    title = wait_for(browser, By.ID, "title-0")  # the script asks for each file's metadata
    assert browser.find_element(By.ID, "title-1")
    title.send_keys("关于开展防汛值班检查的通知（网页归档）")
    browser.find_element(By.ID, "kind-0").send_keys("通知")
    snap(browser, shots, "7-归档收文")
    browser.find_element(By.ID, "run-upload").click()
    WebDriverWait(browser, 120).until(
        lambda d: d.find_element(By.ID, "progress-text").text == "完成。")
    assert browser.find_element(By.ID, "progress").get_attribute("value") == "100"
    rows = {r.find_elements(By.TAG_NAME, "td")[0].text: r
            for r in browser.find_elements(By.CSS_SELECTOR, "#upload-result tbody tr")}
    assert rows[notice.name].get_attribute("class") == "added"
    assert rows[other.name].get_attribute("class") == "failed"
    snap(browser, shots, "8-归档结果")
    navigating(browser, rows[notice.name].find_element(By.TAG_NAME, "a").click)
    heading = wait_for(browser, By.TAG_NAME, "h1").text
    assert heading == "关于开展防汛值班检查的通知（网页归档）"
    browser.get(server + "/search?q=值班检查")
    assert total_of(browser) == 1


def test_writer_sees_problems_while_typing_and_the_preview_refresh(server, browser, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    sign_in_as(browser, server, CLERK, CLERK_PASSWORD)
    navigating(browser, browser.find_element(By.LINK_TEXT, "写公文").click)
    area = wait_for(browser, By.ID, "yaml")
    first = wait_for(browser, By.CSS_SELECTOR, "#preview object#pdf", timeout=120)
    first_url = first.get_attribute("data")
    assert browser.find_element(By.ID, "state").text == "没有问题"
    assert_pdf_drawn(first)
    snap(browser, shots, "9-写公文")

    area.send_keys(Keys.CONTROL, Keys.END)
    area.send_keys("\n不认识的字段: 1")
    lines = area.get_attribute("value").splitlines()
    WebDriverWait(browser, 60).until(
        lambda d: d.find_element(By.ID, "state").text.startswith("有 "))
    problem = browser.find_element(By.CSS_SELECTOR, "#problems li")
    assert f"第 {len(lines)} 行" in problem.text and "不认识的字段" in problem.text
    snap(browser, shots, "10-写公文发现问题")

    for _ in range(len("\n不认识的字段: 1")):
        area.send_keys(Keys.BACKSPACE)
    area.send_keys(Keys.CONTROL, Keys.HOME)
    text = area.get_attribute("value")
    at = text.index("某县档案馆")
    area.send_keys(*([Keys.ARROW_RIGHT] * (at + len("某县档案馆"))), Keys.BACKSPACE, "局")
    assert "发文机关: 某县档案局\n" in area.get_attribute("value")
    WebDriverWait(browser, 120).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#preview object#pdf").get_attribute("data")
        != first_url)
    assert browser.find_element(By.ID, "state").text == "没有问题"
    assert_pdf_drawn(browser.find_element(By.CSS_SELECTOR, "#preview object#pdf"))
    snap(browser, shots, "11-写公文预览已更新")
