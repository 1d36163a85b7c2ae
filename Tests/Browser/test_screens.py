"""The screens in a real browser (headless Chromium through Selenium), against a running demo
server: the main journeys, HTML that parses without errors, no serious accessibility violation
(axe-core), and figures equal to the API's. Screenshots of failing pages go to $SCREENSHOTS.

Usage: python3 -m unittest Tests/Browser/test_screens.py   (SIPAS_URL, SIPAS_TOKEN set)
"""
import io
import json
import os
import re
import functools
import http.server
import subprocess
import tempfile
import threading
import unittest
import urllib.error
import urllib.request

import html5lib
import openpyxl
import pypdf
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

# Waits outlast a page being replaced under them: an element found on the old page goes stale (or,
# mid-navigation, "does not belong to the document"); a wait that never succeeds still fails.
PATIENT = dict(timeout=20, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException, WebDriverException))

BASE = os.environ["SIPAS_URL"]
TOKEN = os.environ["SIPAS_TOKEN"]
PASSWORD = os.environ.get("SIPAS_DEMO_PASSWORD", "sipas-demo-2023")
SHOTS = os.environ.get("SCREENSHOTS", "/tmp/sipas-screenshots")


def api(path):
    request = urllib.request.Request(BASE + path, headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(request) as reply:
        return json.load(reply)


def api_as(username, path):
    """The API as another account sees it (the analyst reads the campaign's release)."""
    login = urllib.request.Request(BASE + "/api/v1/auth/login", method="POST", headers={"Content-Type": "application/json"},
                                   data=json.dumps({"username": username, "password": PASSWORD}).encode())
    with urllib.request.urlopen(login) as reply:
        token = json.load(reply)["token"]
    request = urllib.request.Request(BASE + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request) as reply:
        return json.load(reply)


def vietnamese_percent(value):
    text = f"{value:.2f}".replace(".", ",")
    whole, fraction = text.split(",")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ".".join([whole] + groups) + "," + fraction + "%"


class QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=vi"]:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)


class Screens(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.driver = browser()
        os.makedirs(SHOTS, exist_ok=True)
        cls.campaigns = {c["code"]: c["id"] for c in api("/api/v1/campaigns")["items"]}

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()

    def run(self, result=None):  # keeps a screenshot of every failing test's page
        failures = len(result.failures) + len(result.errors) if result else 0
        outcome = super().run(result)
        if result and len(result.failures) + len(result.errors) > failures:
            self.driver.save_screenshot(os.path.join(SHOTS, self.id().split(".")[-1] + ".png"))
        return outcome

    def sign_in(self, username, password=PASSWORD):
        d = self.driver
        d.delete_all_cookies()
        d.get(BASE + "/sign-in")
        d.find_element(By.ID, "username").send_keys(username)
        d.find_element(By.ID, "password").send_keys(password)
        d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        # The sign-in answers with a redirect (or the form again): wait for that page.
        WebDriverWait(d, **PATIENT).until(lambda d: "/sign-in" not in d.current_url or d.find_elements(By.CSS_SELECTOR, "[role=alert]"))

    def raw(self, path):
        """The page's HTML as the server sent it, with this browser's session."""
        cookie = self.driver.get_cookie("sipas_session")
        request = urllib.request.Request(BASE + path, headers={"Cookie": f"sipas_session={cookie['value']}"} if cookie else {})
        with urllib.request.urlopen(request) as reply:
            return reply.status, reply.read().decode("utf-8")

    def assert_valid_html(self, path):
        status, text = self.raw(path)
        self.assertEqual(status, 200, path)
        parser = html5lib.HTMLParser(strict=True)
        try:
            parser.parse(text)
        except Exception as error:  # html5lib raises on the first parse error in strict mode
            self.fail(f"{path}: HTML does not parse: {error}")

    def assert_accessible(self, path):
        self.driver.get(BASE + path)
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
        self.assertEqual(serious, [], f"{path}: " + "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in serious))

    def test_a_wrong_password_is_refused_beside_the_form(self):
        self.sign_in("admin", "not-the-password")
        error = self.driver.find_element(By.CSS_SELECTOR, "[role=alert]")
        self.assertIn("sai tên đăng nhập hoặc mật khẩu", error.text.lower())
        self.assertEqual(self.driver.find_element(By.ID, "username").get_attribute("value"), "admin")

    def test_home_tells_each_role_what_to_do_next(self):
        for username, expected in [("admin", "Quản trị hệ thống"), ("snv.langson", "Tiến độ nhận phiếu"),
                                   ("phantich", "So sánh giữa các kỳ"), ("xa.diemhe", "Kết quả của đơn vị")]:
            self.sign_in(username)
            self.assertIn("Bạn có thể làm gì", self.driver.page_source)
            main = self.driver.find_element(By.TAG_NAME, "main").text
            self.assertIn(expected, main, username)
            # Those who run campaigns are told what the latest one waits for, and may create one.
            runs = username in ("admin", "snv.langson")
            self.assertEqual("Việc cần làm tiếp" in main, runs, username)
            self.assertEqual(bool(self.driver.find_elements(By.LINK_TEXT, "Tạo kỳ đo lường")), runs, username)

    def test_the_dashboard_shows_the_apis_figures(self):
        self.sign_in("snv.langson")
        cid = self.campaigns["LSN-VQ-2023"]
        self.driver.get(f"{BASE}/campaigns/{cid}/dashboard")
        self.driver.find_element(By.ID, "unit").send_keys("Xã Điềm He")
        self.driver.find_element(By.CSS_SELECTOR, "main form button").click()
        WebDriverWait(self.driver, **PATIENT).until(lambda d: "unit=" in d.current_url)
        self.assertIn("unit=06280", self.driver.current_url)
        index = api(f"/api/v1/campaigns/{cid}/index?by=unit")
        root = next(r for r in index["rows"] if r["unit"] == "06280" and r["node"] == "SIPAS")
        figure = self.driver.find_element(By.CSS_SELECTOR, ".headline .figure").text
        self.assertEqual(figure, vietnamese_percent(root["estimate"]))
        table = self.driver.find_element(By.CSS_SELECTOR, "table.tree").text
        for row in index["rows"]:
            if row["unit"] == "06280" and row["estimate"] is not None:
                self.assertIn(vietnamese_percent(row["estimate"]), table, row["node"])
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, "figure svg.chart circle"))

    def test_the_ranking_shows_rank_ranges_and_targets(self):
        self.sign_in("phantich")
        cid = self.campaigns["LSN-VQ-2023"]
        self.driver.get(f"{BASE}/campaigns/{cid}/ranking")
        ranking = api(f"/api/v1/campaigns/{cid}/dashboard/ranking")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        self.assertEqual(len(rows), len(ranking["rows"]))
        first = rows[0].find_elements(By.TAG_NAME, "td")
        top = ranking["rows"][0]
        self.assertEqual(first[0].text, str(top["rank"]))
        self.assertEqual(first[1].text, f"{top['best_rank']}–{top['worst_rank']}" if top["best_rank"] != top["worst_rank"] else str(top["best_rank"]))
        self.assertIn(vietnamese_percent(top["estimate"]), rows[0].text)

    def test_change_across_the_reorganisation_states_its_rule(self):
        self.sign_in("phantich")
        later = self.campaigns["LSN-VQ-2025"]
        self.driver.get(f"{BASE}/campaigns/{later}/change")
        rule = self.driver.find_element(By.CSS_SELECTOR, ".notice.rule").text
        self.assertIn("01/07/2025", rule)
        self.assertIn("kế thừa", rule)
        change = api(f"/api/v1/campaigns/{later}/dashboard/change?since={self.campaigns['LSN-VQ-2023']}")
        whole = next(r for r in change["rows"] if r["unit"] == "" and r["node"] == "SIPAS")
        text = self.driver.find_element(By.TAG_NAME, "main").text
        self.assertIn(vietnamese_percent(whole["later"]), text)

    def test_a_unit_sees_only_itself_and_aggregates(self):
        self.sign_in("xa.diemhe")
        cid = self.campaigns["LSN-VQ-2023"]
        self.driver.get(f"{BASE}/campaigns/{cid}/ranking")
        names = [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, "main table tbody th")]
        self.assertEqual(names, ["Xã Điềm He"])
        main = self.driver.find_element(By.TAG_NAME, "main").text
        self.assertIn("không được hiển thị", main)
        self.assertNotIn("0 đơn vị không có trong bảng", main)
        # Its rank is among every unit of the campaign (as the analyst ranks them), not among one.
        everyone = api_as("phantich", f"/api/v1/campaigns/{cid}/dashboard/ranking")["rows"]
        own = next(r for r in everyone if r["unit"] == "06280")
        ranked = len([r for r in everyone if r["estimate"] is not None])
        first = self.driver.find_element(By.CSS_SELECTOR, "main table tbody tr td").text
        self.assertEqual(first, str(own["rank"]))
        self.assertIn(f"toàn bộ {ranked} đơn vị", main)
        # Its dashboard opens on its commune, with its rank and the campaign's figure beside it.
        self.driver.get(f"{BASE}/campaigns/{cid}/dashboard")
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "main h2").text, "Xã Điềm He")
        headline = self.driver.find_element(By.CSS_SELECTOR, ".headline").text
        self.assertIn(f"Hạng {own['rank']}/{ranked}", headline)
        self.assertIn("tỷ lệ chung của kỳ", headline)
        self.assertNotIn("ít phiếu", headline)
        # Its report speaks of its commune, not the province's document with its headline.
        self.driver.get(f"{BASE}/campaigns/{cid}/report")
        report = self.driver.find_element(By.TAG_NAME, "main").text
        self.assertIn("KẾT QUẢ ĐO LƯỜNG SỰ HÀI LÒNG", report)
        self.assertIn("Xã Điềm He", report)
        self.assertNotIn("Nơi nhận", report)
        self.assertIn(f"đứng thứ {own['rank']} trong {ranked} đơn vị", report)
        self.driver.get(f"{BASE}/campaigns/{cid}/received")
        self.assertIn("Không có quyền", self.driver.find_element(By.TAG_NAME, "h1").text)

    def test_status_change_needs_the_forms_token(self):
        self.sign_in("admin")
        cid = self.campaigns["LSN-VQ-2023"]
        cookie = self.driver.get_cookie("sipas_session")["value"]
        request = urllib.request.Request(f"{BASE}/campaigns/{cid}/status", data=b"status=entry", method="POST",
                                         headers={"Cookie": f"sipas_session={cookie}", "Content-Type": "application/x-www-form-urlencoded"})
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        self.assertEqual(refused.exception.code, 403)
        self.assertEqual(api(f"/api/v1/campaigns/{cid}")["campaign"]["status"], "analysis")

    def download(self, path, cookie=True):
        session = self.driver.get_cookie("sipas_session") if cookie else None
        request = urllib.request.Request(BASE + path, headers={"Cookie": f"sipas_session={session['value']}"} if session else {})
        with urllib.request.urlopen(request) as reply:
            return reply.status, reply.headers, reply.read()

    def anonymous_status(self, path):
        try:
            with urllib.request.urlopen(BASE + path) as reply:
                return reply.status
        except urllib.error.HTTPError as error:
            return error.code

    def test_y_outputs_then_publication(self):
        """Downloads the workbook and the PDF, publishes, reads the public pages as a visitor, withdraws."""
        self.sign_in("snv.langson")
        d = self.driver
        cid = self.campaigns["LSN-VQ-2023"]
        public = ["/public/LSN-VQ-2023", "/public/LSN-VQ-2023/units/06280", "/public/LSN-VQ-2023/units/06280/widget",
                  "/public/LSN-VQ-2023/units/06280/badge.svg", "/public/LSN-VQ-2023/data/units.csv", "/public/LSN-VQ-2023/datapackage.json",
                  "/public/LSN-VQ-2023/method"]
        for path in public:
            self.assertEqual(self.anonymous_status(path), 404, f"{path} is public before publication")

        # The workbook: numbers equal the API's to the last digit, shown with two decimals, header frozen.
        d.get(f"{BASE}/campaigns/{cid}")
        href = d.find_element(By.LINK_TEXT, "Bảng tính XLSX").get_attribute("href")
        status, headers, body = self.download(href.replace(BASE, ""))
        self.assertIn("spreadsheetml", headers["Content-Type"])
        workbook = openpyxl.load_workbook(io.BytesIO(body))
        ranking = {r["unit"]: r for r in api(f"/api/v1/campaigns/{cid}/dashboard/ranking")["rows"]}
        sheet = workbook["Xếp hạng"]
        self.assertEqual(sheet.freeze_panes, "A2")
        header = [c.value for c in sheet[1]]
        column = {name: i for i, name in enumerate(header)}
        checked = 0
        for row in sheet.iter_rows(min_row=2, values_only=True):
            expected = ranking[row[column["Mã đơn vị"]]]
            self.assertEqual(row[column["Tỷ lệ hài lòng (%)"]], expected["estimate"])
            self.assertEqual(row[column["Cận dưới 95% (%)"]], expected["ci_low"])
            self.assertEqual(row[column["Hạng cao nhất có thể"]], expected["best_rank"])
            checked += 1
        self.assertEqual(checked, len(ranking))
        self.assertEqual(sheet.cell(2, column["Tỷ lệ hài lòng (%)"] + 1).number_format, "0.00")
        pooled = {r["node"]: r for r in api(f"/api/v1/campaigns/{cid}/index")["rows"]}
        for row in workbook["Toàn kỳ"].iter_rows(min_row=2, values_only=True):
            self.assertEqual(row[3], pooled[row[0]]["estimate"], row[0])
            self.assertEqual(row[4], pooled[row[0]]["se"], row[0])

        # The PDF: an administrative document on A4 with the decree's margins.
        status, headers, body = self.download(f"/campaigns/{cid}/report.pdf")
        self.assertEqual(headers["Content-Type"], "application/pdf")
        pdf = pypdf.PdfReader(io.BytesIO(body))
        for page in pdf.pages:
            self.assertAlmostEqual(float(page.mediabox.width), 595.3, delta=1.5)
            self.assertAlmostEqual(float(page.mediabox.height), 841.9, delta=1.5)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(body)
            f.flush()
            text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
            boxes = subprocess.run(["pdftotext", "-bbox", f.name, "-"], capture_output=True, text=True, check=True).stdout
        for fragment in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Văn Quan, ngày", "BÁO CÁO", "Nơi nhận",
                         "HUYỆN VĂN QUAN", "Phương pháp và độ tin cậy".upper(), "Xã Điềm He"]:
            self.assertIn(fragment, text)
        self.assertIn(vietnamese_percent(pooled["SIPAS"]["estimate"]), text)
        # Pages after the first carry "Trang n/N" at the top, in the margin (Nghị định 30/2020).
        self.assertIn(f"Trang 2/{len(pdf.pages)}", text)
        boxes = re.sub(r'<word [^>]*>(Trang|\d+/\d+)</word>', "", boxes)
        words = [tuple(float(v) for v in m) for m in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', boxes)]
        mm = 72 / 25.4
        self.assertGreaterEqual(min(w[0] for w in words), 30 * mm - 2, "left margin at least 30 mm")
        self.assertLessEqual(max(w[2] for w in words), 595.3 - 15 * mm + 2, "right margin at least 15 mm")
        self.assertGreaterEqual(min(w[1] for w in words), 20 * mm - 2, "top margin at least 20 mm")
        self.assertLessEqual(max(w[3] for w in words), 841.9 - 20 * mm + 2, "bottom margin at least 20 mm")
        fonts = subprocess.run(["pdffonts", "-"], input=body, capture_output=True).stdout.decode()
        self.assertTrue("Times" in fonts or "LiberationSerif" in fonts or "Liberation Serif" in fonts, fonts)

        # Publish, as the campaign's administrator: the next step opens a preview of what becomes
        # public; without the confirmation nothing is published.
        d.get(f"{BASE}/campaigns/{cid}")
        d.find_element(By.LINK_TEXT, "Xem trước và công bố kết quả").click()
        WebDriverWait(d, **PATIENT).until(lambda d: d.current_url.endswith("/publish"))
        preview = d.find_element(By.TAG_NAME, "main").text
        self.assertIn("không cần đăng nhập", preview)
        self.assertIn(vietnamese_percent(pooled["SIPAS"]["estimate"]), preview)
        self.assert_accessible(f"/campaigns/{cid}/publish")
        d.find_element(By.XPATH, "//button[normalize-space()='Công bố kết quả']").click()
        WebDriverWait(d, **PATIENT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[role=alert]"))
        self.assertEqual(self.anonymous_status(public[0]), 404, "published without its confirmation")
        d.find_element(By.ID, "publish-confirm").click()
        d.find_element(By.XPATH, "//button[normalize-space()='Công bố kết quả']").click()
        WebDriverWait(d, **PATIENT).until(lambda d: d.find_element(By.CSS_SELECTOR, "dl.facts strong").text == "Đã công bố")
        try:
            for path in public:
                self.assertEqual(self.anonymous_status(path), 200, path)
            d.delete_all_cookies()
            d.get(BASE + "/public")
            d.find_element(By.PARTIAL_LINK_TEXT, "huyện Văn Quan năm 2023").click()
            WebDriverWait(d, **PATIENT).until(lambda d: d.current_url.endswith("/public/LSN-VQ-2023"))
            table = d.find_element(By.CSS_SELECTOR, "main table:not(.tree)").text
            for unit, row in ranking.items():
                if row["estimate"] is not None and row["n"] >= 30:
                    self.assertIn(vietnamese_percent(row["estimate"]), table, unit)
            self.assert_valid_html("/public/LSN-VQ-2023")
            self.assert_accessible("/public/LSN-VQ-2023")
            d.find_element(By.LINK_TEXT, "Xã Điềm He").click()
            WebDriverWait(d, **PATIENT).until(lambda d: "/units/06280" in d.current_url)
            self.assertIn(vietnamese_percent(ranking["06280"]["estimate"]), d.find_element(By.CSS_SELECTOR, ".headline").text)
            self.assert_accessible("/public/LSN-VQ-2023/units/06280")
            # A citizen on a phone: nothing scrolls sideways, charts fit, tables reflow.
            d.set_window_size(390, 844)
            try:
                for path in ["/public", "/public/LSN-VQ-2023", "/public/LSN-VQ-2023/units/06280", "/public/LSN-VQ-2023/method"]:
                    d.get(BASE + path)
                    wide = d.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                    self.assertLessEqual(wide[0], wide[1] + 1, f"{path} scrolls sideways at 390 px: {wide}")
                    os.makedirs(SHOTS, exist_ok=True)
                    d.save_screenshot(os.path.join(SHOTS, f"phone{path.replace('/', '-')}.png"))
            finally:
                d.set_window_size(1280, 1000)
            # The embed code is the administrators': on the unit's dashboard, not on the public page.
            d.get(BASE + "/public/LSN-VQ-2023/units/06280")
            self.assertFalse(d.find_elements(By.CSS_SELECTOR, "pre code"), "the public page shows the embed code")
            d.get(BASE + "/public/LSN-VQ-2023?q=diem+he")
            self.assertIn("Xã Điềm He", d.find_element(By.CSS_SELECTOR, "#tim + form + ul").text, "find my commune")
            self.sign_in("snv.langson")
            d.get(f"{BASE}/campaigns/{cid}/dashboard?unit=06280")
            snippet = d.find_element(By.CSS_SELECTOR, "pre code").text
            self.assertIn("/public/LSN-VQ-2023/units/06280/widget", snippet)
            # The widget works framed in another site's page (a portal served from another origin).
            with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False, dir=SHOTS, encoding="utf-8") as portal:
                portal.write("<!doctype html><meta charset=utf-8><title>Cổng thông tin xã</title>" + snippet)
            site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietFiles, directory=SHOTS))
            threading.Thread(target=site.serve_forever, daemon=True).start()
            self.addCleanup(site.server_close)
            self.addCleanup(site.shutdown)
            d.get(f"http://127.0.0.1:{site.server_address[1]}/{os.path.basename(portal.name)}")
            d.switch_to.frame(WebDriverWait(d, **PATIENT).until(lambda d: d.find_element(By.TAG_NAME, "iframe")))
            WebDriverWait(d, **PATIENT).until(lambda d: "Chỉ số hài lòng 2023" in d.find_element(By.TAG_NAME, "body").text)
            self.assertIn(vietnamese_percent(ranking["06280"]["estimate"]), d.find_element(By.TAG_NAME, "body").text)
            d.switch_to.default_content()
            _, _, badge = self.download("/public/LSN-VQ-2023/units/06280/badge.svg", cookie=False)
            self.assertIn(vietnamese_percent(ranking["06280"]["estimate"]), badge.decode())
            _, _, package = self.download("/public/LSN-VQ-2023/datapackage.json", cookie=False)
            for resource in json.loads(package)["resources"]:
                self.assertEqual(self.anonymous_status("/public/LSN-VQ-2023/" + resource["path"]), 200, resource["path"])
        finally:
            # Withdraw (a step back: confirmed, with its reason), so the other tests find the campaign as they expect it.
            self.sign_in("snv.langson")
            d.get(f"{BASE}/campaigns/{cid}")
            d.find_element(By.XPATH, "//summary[starts-with(normalize-space(), 'Lùi về bước trước')]").click()
            d.find_element(By.ID, "reason").send_keys("Thu hồi sau kiểm thử giao diện")
            d.find_element(By.ID, "back-confirm").click()
            d.find_element(By.CSS_SELECTOR, "form[action$='/status/back'] button").click()
            WebDriverWait(d, **PATIENT).until(lambda d: d.find_element(By.CSS_SELECTOR, "dl.facts strong").text == "Phân tích")
            self.assertIn("Lý do: Thu hồi sau kiểm thử giao diện", d.find_element(By.TAG_NAME, "main").text)
        for path in public:
            self.assertEqual(self.anonymous_status(path), 404, f"{path} is still public after withdrawal")

    def assert_fits_a_phone(self, path):
        """At 390 px nothing scrolls sideways (wide tables scroll inside their own box)."""
        d = self.driver
        d.set_window_size(390, 844)
        try:
            d.get(BASE + path)
            wide = d.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            d.save_screenshot(os.path.join(SHOTS, "phone" + re.sub(r"[^a-z0-9]+", "-", path) + ".png"))
            self.assertLessEqual(wide[0], wide[1] + 1, f"{path} scrolls sideways at 390 px: {wide}")
        finally:
            d.set_window_size(1366, 900)

    def click_button(self, text):
        self.driver.find_element(By.XPATH, f"//main//button[normalize-space()='{text}'] | //main//a[normalize-space()='{text}']").click()

    def wait_status(self, label):
        WebDriverWait(self.driver, **PATIENT).until(lambda d: d.find_element(By.CSS_SELECTOR, "dl.facts strong").text == label)

    def sample_from_an_excel_list(self, cid):
        """The newcomer's sample: the one-stop shop's Excel list, its columns mapped, the same
        person's dossiers decided, the sizes seen, a draw with a typed seed, checked on the public
        page, handed over without contact details."""
        from selenium.webdriver.support.ui import Select
        d = self.driver
        examples = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
        d.find_element(By.LINK_TEXT, "Chọn mẫu").click()
        WebDriverWait(d, **PATIENT).until(lambda d: d.current_url.endswith("/sampling"))
        self.assert_fits_a_phone(f"/campaigns/{cid}/sampling")
        d.get(f"{BASE}/campaigns/{cid}/sampling")
        d.find_element(By.ID, "frame-file").send_keys(os.path.abspath(os.path.join(examples, "khung-mau-van-quan-2026.xlsx")))
        self.click_button("Tải lên và chọn cột")
        WebDriverWait(d, **PATIENT).until(lambda d: d.find_elements(By.ID, "map_key"))
        self.assertIn("900 dòng", d.find_element(By.TAG_NAME, "main").text)
        proposed = {role: Select(d.find_element(By.ID, "map_" + role)).first_selected_option.text
                    for role in ["key", "unit", "name", "phone", "address", "procedure", "service", "completed_on"]}
        self.assertEqual(proposed, {"key": "Số hồ sơ", "unit": "Đơn vị tiếp nhận", "name": "Họ và tên người nộp", "phone": "Số điện thoại",
                                    "address": "Địa chỉ", "procedure": "Tên thủ tục", "service": "Lĩnh vực", "completed_on": "Ngày trả kết quả"})
        d.save_screenshot(os.path.join(SHOTS, "sampling-mapping.png"))
        # A column chosen twice is refused beside its field, and nothing is stored.
        Select(d.find_element(By.ID, "map_agency")).select_by_visible_text("Số hồ sơ")
        self.click_button("Kiểm tra và nhập khung mẫu")
        error = WebDriverWait(d, **PATIENT).until(lambda d: d.find_elements(By.ID, "error-agency"))[0].text
        self.assertIn("nhiều vai trò", error)
        Select(d.find_element(By.ID, "map_agency")).select_by_visible_text("— không có trong tệp —")
        self.click_button("Kiểm tra và nhập khung mẫu")
        WebDriverWait(d, **PATIENT).until(lambda d: "message=imported" in d.current_url)
        page = d.find_element(By.TAG_NAME, "main").text
        self.assertIn("chờ chọn hồ sơ giữ lại", page)
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#frame ~ div table tbody tr")), 1, "one person with three dossiers")
        self.assert_accessible(f"/campaigns/{cid}/sampling")
        self.assert_fits_a_phone(f"/campaigns/{cid}/sampling")
        d.get(f"{BASE}/campaigns/{cid}/sampling")
        d.find_element(By.ID, "rule-random").click()
        d.find_element(By.ID, "fix-seed").send_keys("trùng người 2026")
        self.click_button("Chốt khung mẫu")
        WebDriverWait(d, **PATIENT).until(lambda d: "message=fixed" in d.current_url)
        page = d.find_element(By.TAG_NAME, "main").text
        self.assertIn("giữ lại 898", page)
        # The starter design: a Yamane sample per commune; the sizes before drawing, with totals.
        self.click_button("Lưu thiết kế")
        WebDriverWait(d, **PATIENT).until(lambda d: "message=design" in d.current_url)
        sizes = api(f"/api/v1/campaigns/{cid}/sampling/sizes")
        total = d.find_element(By.CSS_SELECTOR, "#draw").find_element(By.XPATH, "preceding::tfoot[1]").text
        self.assertIn(f"{sizes['total']['population']}", total.replace(".", ""))
        self.assertEqual(sizes["total"]["population"], 898)
        self.assertIn("Xã Điềm He", d.find_element(By.TAG_NAME, "main").text)
        # The one-stage form says the saved design back: strata by unit, Yamane 0,05, half as many reserves.
        self.assertEqual(d.find_element(By.ID, "strata").get_attribute("value"), "ma_don_vi")
        self.assertTrue(d.find_element(By.ID, "rule-yamane").is_selected())
        self.assertEqual(d.find_element(By.ID, "allocation").get_attribute("value"), "proportional")
        self.assertEqual(d.find_element(By.ID, "reserves").get_attribute("value"), "0,5")
        d.save_screenshot(os.path.join(SHOTS, "sampling-sizes.png"))
        d.find_element(By.ID, "seed").send_keys("Lạng Sơn 05/12/2026")
        self.click_button("Rút mẫu")
        WebDriverWait(d, **PATIENT).until(lambda d: "message=drawn" in d.current_url)
        cases = []
        while True:
            page_of = api(f"/api/v1/campaigns/{cid}/sampling/cases?limit=500&offset={len(cases)}")["items"]
            cases += page_of
            if len(page_of) < 500:
                break
        self.assertEqual(sum(1 for c in cases if c["role"] == "sample"), sizes["total"]["sample"])
        # A second draw needs a reason.
        self.assertTrue(d.find_elements(By.ID, "reason"))
        _, _, record = self.download(f"/campaigns/{cid}/sampling/draws/1/bien-ban.json")
        _, _, draw = self.download(f"/campaigns/{cid}/sampling/draws/1/mau.csv")
        _, _, projection = self.download(f"/campaigns/{cid}/sampling/draws/1/khung-mau-rut.csv")
        self.assertNotIn("0912", projection.decode())
        folder = tempfile.mkdtemp()
        for name, data in [("bien-ban.json", record), ("mau.csv", draw), ("khung.csv", projection)]:
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
        # The hand-over: a page that warns what each file holds; the list without contacts.
        self.click_button("Bàn giao kết quả chọn mẫu cho Bộ")
        WebDriverWait(d, **PATIENT).until(lambda d: d.current_url.endswith("/handover"))
        self.assertIn("Lạng Sơn 05/12/2026", d.find_element(By.TAG_NAME, "main").text)
        self.assert_fits_a_phone(f"/campaigns/{cid}/sampling/handover")
        _, _, workbook = self.download(f"/campaigns/{cid}/sampling/handover.xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
        header = [c.value for c in sheet[1]]
        self.assertEqual(header[:3], ["Mã phiếu", "Vai trò", "Thứ tự"])
        self.assertNotIn("Điện thoại", header)
        self.assertEqual(sheet.max_row - 1, len(cases))
        # Anyone checks the draw on the public page, signed in or not; nothing is stored.
        d.delete_all_cookies()
        d.get(BASE + "/public/sampling/verify")
        d.find_element(By.ID, "frame").send_keys(os.path.join(folder, "khung.csv"))
        d.find_element(By.ID, "record").send_keys(os.path.join(folder, "bien-ban.json"))
        d.find_element(By.ID, "draw").send_keys(os.path.join(folder, "mau.csv"))
        self.click_button("Kiểm tra")
        WebDriverWait(d, **PATIENT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[role=status], [role=alert]"))
        self.assertIn("Khớp", d.find_element(By.TAG_NAME, "main").text)
        d.save_screenshot(os.path.join(SHOTS, "sampling-verify.png"))
        lines = draw.decode().split("\n")
        lines[2] = lines[2].replace("sample", "reserve")
        with open(os.path.join(folder, "mau-sua.csv"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        d.get(BASE + "/public/sampling/verify")
        d.find_element(By.ID, "frame").send_keys(os.path.join(folder, "khung.csv"))
        d.find_element(By.ID, "record").send_keys(os.path.join(folder, "bien-ban.json"))
        d.find_element(By.ID, "draw").send_keys(os.path.join(folder, "mau-sua.csv"))
        self.click_button("Kiểm tra")
        WebDriverWait(d, **PATIENT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[role=alert]"))
        self.assertIn("dòng 3", d.find_element(By.TAG_NAME, "main").text.lower())
        self.assert_fits_a_phone("/public/sampling/verify")
        for path in ["/public/sampling/verify"]:
            self.assert_valid_html(path)
            self.assert_accessible(path)
        self.sign_in("snv.langson")
        for path in [f"/campaigns/{cid}/sampling", f"/campaigns/{cid}/sampling/handover"]:
            self.assert_valid_html(path)
            self.assert_accessible(path)

    def test_z_a_newcomer_runs_a_2026_campaign_on_the_2025_units(self):
        """Runs last: it adds a campaign. A Department of Home Affairs official, from the screens
        alone, at 1366 px, each page also checked at 390 px."""
        from selenium.webdriver.support.ui import Select
        d = self.driver
        d.set_window_size(1366, 900)
        self.sign_in("snv.langson")
        main = d.find_element(By.TAG_NAME, "main").text
        self.assertIn("Việc cần làm tiếp", main)
        d.find_element(By.LINK_TEXT, "Tạo kỳ đo lường").click()
        WebDriverWait(d, **PATIENT).until(lambda d: d.current_url.endswith("/campaigns/new"))
        self.assert_fits_a_phone("/campaigns/new")
        d.get(BASE + "/campaigns/new")
        # Defaults: the account's 2025 province owns it, the current national questionnaire.
        self.assertIn("Tỉnh Lạng Sơn (từ 01/07/2025)", Select(d.find_element(By.ID, "owner")).first_selected_option.text)
        questionnaire = Select(d.find_element(By.ID, "questionnaire")).first_selected_option.text
        self.assertIn("sipas-2023", questionnaire)
        self.assertIn("hiện hành", questionnaire)
        code = "LSN-VQ-%d" % (2026 * 100 + int.from_bytes(os.urandom(1), "big") % 100)
        d.find_element(By.ID, "code").send_keys(code)
        d.find_element(By.ID, "year").clear()
        d.find_element(By.ID, "year").send_keys("2026")
        d.find_element(By.ID, "title").send_keys("Đo lường sự hài lòng năm 2026 các xã kế thừa huyện Văn Quan")
        # The old way first: the communes of the former district, which ceased on 30/06/2025.
        Select(d.find_element(By.ID, "owner")).select_by_visible_text("Tỉnh Lạng Sơn (trước 01/07/2025)")
        self.click_button("Cập nhật danh sách xã")
        WebDriverWait(d, **PATIENT).until(lambda d: d.find_elements(By.ID, "units_of"))
        Select(d.find_element(By.ID, "units_of")).select_by_visible_text("Huyện Văn Quan (trước 01/07/2025)")
        d.find_element(By.ID, "units_mode_all").click()
        self.click_button("Tạo kỳ đo lường")
        error = WebDriverWait(d, **PATIENT).until(lambda d: d.find_elements(By.ID, "units-error"))[0].text
        self.assertIn("đã thôi tồn tại từ 01/07/2025", error)
        self.assertIn("đơn vị kế thừa", error)
        self.assertNotRegex(error, r"\([a-z][a-z ,']+\)$", "no English gloss on a screen")
        self.assertTrue(d.find_element(By.ID, "form-summary").text.startswith("Chưa lưu được"))
        # The 2025 successors of the former district, in one choice.
        Select(d.find_element(By.ID, "owner")).select_by_visible_text("Tỉnh Lạng Sơn (từ 01/07/2025)")
        self.click_button("Cập nhật danh sách xã")
        WebDriverWait(d, **PATIENT).until(lambda d: d.find_elements(By.ID, "former_district"))
        d.find_element(By.ID, "units_mode_successors").click()
        Select(d.find_element(By.ID, "former_district")).select_by_visible_text("Huyện Văn Quan")
        d.find_element(By.ID, "target_percent").send_keys("85")
        d.find_element(By.ID, "targets").send_keys("Xã Điềm He trên 90")
        self.click_button("Tạo kỳ đo lường")
        WebDriverWait(d, **PATIENT).until(lambda d: "message=created" in d.current_url or d.find_elements(By.CSS_SELECTOR, ".field-error"))
        self.assertIn("message=created", d.current_url, d.find_element(By.TAG_NAME, "main").text[:800])
        cid = int(re.search(r"/campaigns/(\d+)", d.current_url).group(1))
        page = d.find_element(By.TAG_NAME, "main").text
        self.assertIn("Danh mục đơn vị hành chính từ 01/07/2025", page)
        self.assertIn("Tỉnh Lạng Sơn", page)
        units = api(f"/api/v1/campaigns/{cid}")["units"]
        self.assertTrue(units and all(u["unit"]["register"] == "2025" for u in units))
        diem_he = next(u for u in units if u["unit"]["name"] == "Xã Điềm He")
        self.assertEqual((diem_he["target_comparator"], diem_he["target_percent"]), (">", 90))
        self.assert_fits_a_phone(f"/campaigns/{cid}")
        d.get(f"{BASE}/campaigns/{cid}")

        # The draft is edited: a target by name, a phase's dates, the report's issuer and signer.
        self.click_button("Sửa kế hoạch (đơn vị, mục tiêu, bảng hỏi, giai đoạn)")
        WebDriverWait(d, **PATIENT).until(lambda d: d.current_url.endswith("/edit"))
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#commune-list input:checked")), len(units))
        targets = d.find_element(By.ID, "targets")
        targets.send_keys("\nXã Văn Quan đạt 88")
        for name, value in [("fieldwork_start", "2026-03-01"), ("fieldwork_end", "2026-04-30")]:
            d.execute_script("arguments[0].value = arguments[1]", d.find_element(By.NAME, name), value)
        d.find_element(By.ID, "issuer").send_keys("Sở Nội vụ tỉnh Lạng Sơn")
        Select(d.find_element(By.ID, "signer_capacity")).select_by_value("KT.")
        d.find_element(By.ID, "signer_title").send_keys("Phó Giám đốc")
        d.find_element(By.ID, "signer_name").send_keys("Nguyễn Văn An")
        self.click_button("Lưu thay đổi")
        WebDriverWait(d, **PATIENT).until(lambda d: "message=updated" in d.current_url)
        page = d.find_element(By.TAG_NAME, "main").text
        self.assertIn("đạt 88%", page)
        self.assertIn("01/03/2026 – 30/04/2026", page)

        # Phases: one button, the next step; pressing it moves one step.
        self.click_button('Chuyển sang "Chọn mẫu"')
        self.wait_status("Chọn mẫu")
        self.sample_from_an_excel_list(cid)
        d.get(f"{BASE}/campaigns/{cid}")
        self.click_button('Chuyển sang "Điều tra thực địa"')
        self.wait_status("Điều tra thực địa")
        self.assertIn("— snv.langson", d.find_element(By.TAG_NAME, "main").text)

        # Upload from the template: a refused file names the column by its letter, then a good one.
        d.find_element(By.LINK_TEXT, "Tải tệp phiếu (CSV)").click()
        WebDriverWait(d, **PATIENT).until(lambda d: d.current_url.endswith("/upload"))
        self.assert_fits_a_phone(f"/campaigns/{cid}/upload")
        d.get(f"{BASE}/campaigns/{cid}/upload")
        _, _, template = self.download(f"/campaigns/{cid}/template.csv")
        header, example = template.decode("utf-8-sig").strip().split("\r\n")
        columns, values = header.split(","), example.split(",")
        _, _, workbook = self.download(f"/campaigns/{cid}/template.xlsx")
        self.assertEqual(openpyxl.load_workbook(io.BytesIO(workbook)).sheetnames, ["Phiếu", "Hướng dẫn", "Đơn vị"])
        likert = [i for i, v in enumerate(values) if v == "4"]
        codes = [u["unit"]["code"] for u in units]
        rng = __import__("random").Random(2026)
        rows = []
        # One commune answers too few to be shown; the viewer's commune many, so that it is never
        # the one withheld beside it.
        small = next(c for c in codes if c != diem_he["unit"]["code"])
        for k, unit in enumerate(codes):
            for n in range(3 if unit == small else 60 if unit == diem_he["unit"]["code"] else 36):
                row = list(values)
                row[0], row[1] = f"P{k:02d}-{n:03d}", unit
                for i in likert:
                    row[i] = str(rng.choice([2, 3, 4, 4, 4, 5, 5]))
                rows.append(row)
        bad = [list(rows[0])]
        bad[0][likert[0]] = "9"
        path = os.path.join(SHOTS, "template-bad.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(header + "\n" + "\n".join(",".join(r) for r in bad) + "\n")
        d.find_element(By.ID, "file").send_keys(path)
        self.click_button("Tải lên và kiểm tra")
        WebDriverWait(d, **PATIENT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[role=alert]"))
        letter = openpyxl.utils.get_column_letter(likert[0] + 1)
        self.assertIn(f"cột {letter} ({likert[0] + 1})", d.find_element(By.CSS_SELECTOR, "main table").text)
        path = os.path.join(SHOTS, "template-good.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(header + "\n" + "\n".join(",".join(r) for r in rows) + "\n")
        d.find_element(By.ID, "file").send_keys(path)
        self.click_button("Tải lên và kiểm tra")
        WebDriverWait(d, **PATIENT).until(lambda d: "phiếu mới" in d.find_element(By.CSS_SELECTOR, "main .notice").text)
        main = d.find_element(By.TAG_NAME, "main").text
        self.assertIn(f"{len(rows)} phiếu mới", main)
        self.assertIn("1 đơn vị có dưới 30 phiếu", main)
        self.assertIn("dưới ngưỡng công bố", main)
        d.find_element(By.LINK_TEXT, "Xem tiến độ nhận phiếu").click()
        WebDriverWait(d, **PATIENT).until(lambda d: d.current_url.endswith("/received"))

        # Entry closes; the dashboards read the API's figures.
        d.get(f"{BASE}/campaigns/{cid}")
        for label in ("Nhập liệu", "Phân tích"):
            self.click_button(f'Chuyển sang "{label}"')
            self.wait_status(label)
        pooled = {r["node"]: r for r in api(f"/api/v1/campaigns/{cid}/index")["rows"]}
        d.find_element(By.LINK_TEXT, "Xem chỉ số").click()
        figure = WebDriverWait(d, **PATIENT).until(lambda d: d.find_element(By.CSS_SELECTOR, ".headline .figure")).text
        self.assertEqual(figure, vietnamese_percent(pooled["SIPAS"]["estimate"]))
        for path in (f"/campaigns/{cid}/dashboard", f"/campaigns/{cid}/ranking"):
            self.assert_fits_a_phone(path)

        # The report, issued and signed as set, with its page numbers.
        d.get(f"{BASE}/campaigns/{cid}/report")
        report = d.find_element(By.TAG_NAME, "main").text
        for text in ["SỞ NỘI VỤ", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An", "Tiêu chí nên ưu tiên cải thiện".upper()]:
            self.assertIn(text, report.upper() if text.isupper() else report)
        self.assert_fits_a_phone(f"/campaigns/{cid}/report")
        _, _, body = self.download(f"/campaigns/{cid}/report.pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(body)
            f.flush()
            text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
        pages = len(pypdf.PdfReader(io.BytesIO(body)).pages)
        self.assertIn(f"Trang 2/{pages}", text)
        self.assertIn("Nguyễn Văn An", text)

        # Publication: the preview, confirmed.
        d.get(f"{BASE}/campaigns/{cid}")
        d.find_element(By.LINK_TEXT, "Xem trước và công bố kết quả").click()
        WebDriverWait(d, **PATIENT).until(lambda d: d.current_url.endswith("/publish"))
        self.assert_fits_a_phone(f"/campaigns/{cid}/publish")
        d.get(f"{BASE}/campaigns/{cid}/publish")
        d.find_element(By.ID, "publish-confirm").click()
        self.click_button("Công bố kết quả")
        self.wait_status("Đã công bố")
        self.assertIn("Xã Điềm He", d.find_element(By.TAG_NAME, "main").text)

        # A citizen on a phone finds their commune.
        d.delete_all_cookies()
        for path in (f"/public/{code}", f"/public/{code}?q=diem+he"):
            self.assert_fits_a_phone(path)
        d.get(f"{BASE}/public/{code}?q=diem+he")
        d.find_element(By.LINK_TEXT, "Xã Điềm He").click()
        WebDriverWait(d, **PATIENT).until(lambda d: "/units/" in d.current_url)
        self.assert_fits_a_phone(d.current_url.replace(BASE, ""))

        # The commune's viewer: its commune, its rank among all, no province document.
        self.sign_in("xa.diemhe")
        d.get(f"{BASE}/campaigns/{cid}/dashboard")
        self.assertEqual(d.find_element(By.CSS_SELECTOR, "main h2").text, "Xã Điềm He")
        self.assertRegex(d.find_element(By.CSS_SELECTOR, ".headline").text, r"Hạng \d+/\d+")
        self.assert_fits_a_phone(f"/campaigns/{cid}/dashboard")
        d.get(f"{BASE}/campaigns/{cid}/report")
        self.assertIn("KẾT QUẢ ĐO LƯỜNG SỰ HÀI LÒNG", d.find_element(By.TAG_NAME, "main").text)

    def test_wishes_and_the_map_show_the_apis_figures(self):
        self.sign_in("phantich")
        cid = self.campaigns["LSN-VQ-2023"]
        self.driver.get(f"{BASE}/campaigns/{cid}/wishes")
        main = self.driver.find_element(By.TAG_NAME, "main").text
        for row in api(f"/api/v1/campaigns/{cid}/dashboard/wishes")["rows"]:
            if row["share"] is not None:
                self.assertIn(vietnamese_percent(row["share"]), main, row)
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, "figure svg.chart circle"))
        self.driver.get(f"{BASE}/campaigns/{cid}/map")
        dots = self.driver.find_elements(By.CSS_SELECTOR, "svg.map a circle")
        ranking = [r for r in api(f"/api/v1/campaigns/{cid}/dashboard/ranking")["rows"] if r["estimate"] is not None]
        self.assertEqual(len(dots), len(ranking), "one linked dot per unit with a figure")
        table = self.driver.find_element(By.CSS_SELECTOR, "main table").text
        for row in ranking:
            self.assertIn(vietnamese_percent(row["estimate"]), table)

    def test_import_a_questionnaire_then_preview_it_with_its_skips(self):
        self.sign_in("snv.langson")
        d = self.driver
        d.get(BASE + "/questionnaires")
        d.find_element(By.LINK_TEXT, "Nhập bảng hỏi từ tệp YAML/JSON").click()
        WebDriverWait(d, **PATIENT).until(lambda d: d.current_url.endswith("/questionnaires/import"))
        code = "xa-thu-%d" % (int.from_bytes(os.urandom(2), "big"))
        document = f"""format: sipas-questionnaire/1
id: {code}
version: 1
title: "Phiếu thử nghiệm trình duyệt"
language: vi
scales:
  sat5: {{codes: {{1: "Rất không hài lòng", 2: "Không hài lòng", 3: "Bình thường", 4: "Hài lòng", 5: "Rất hài lòng"}}, satisfied: [4, 5]}}
sections:
  - code: S
    title: "Phần I"
    items:
      - {{code: Q0, type: single, text: "Ông/Bà đã góp ý?", options: {{1: "Có", 2: "Không"}}}}
      - {{code: Q1, type: likert, scale: SCALE, text: "Hài lòng với việc tiếp nhận góp ý", relevant: "Q0 == 1"}}
indices:
  - {{code: IDX, title: "Chỉ số", rule: mean, children: [Q1]}}
"""
        path = os.path.join(SHOTS, "questionnaire.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(document.replace("SCALE", "thang-thieu"))
        d.find_element(By.ID, "file").send_keys(path)
        d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        alert = WebDriverWait(d, **PATIENT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[role=alert]"))[0]
        self.assertIn("chưa được lưu", alert.text)
        self.assertIn("sections[0].items[1].scale", d.find_element(By.CSS_SELECTOR, "main table").text)
        editor = d.find_element(By.ID, "document")
        text = editor.get_attribute("value").replace("thang-thieu", "sat5")
        editor.clear()
        editor.send_keys(text)
        d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(d, **PATIENT).until(lambda d: "created=1" in d.current_url)
        self.assertIn(f"/questionnaires/{code}/1", d.current_url)
        d.find_element(By.LINK_TEXT, "Xem như người trả lời").click()
        WebDriverWait(d, **PATIENT).until(lambda d: "/preview" in d.current_url)
        self.assertIn("Bỏ qua: câu này chỉ hỏi khi", d.find_element(By.TAG_NAME, "main").text)
        d.find_element(By.XPATH, "//label[normalize-space()='Có']").click()
        d.find_element(By.XPATH, "//button[normalize-space()='Cập nhật']").click()
        WebDriverWait(d, **PATIENT).until(lambda d: "a.Q0=1" in d.current_url)
        self.assertNotIn("Bỏ qua: câu này", d.find_element(By.TAG_NAME, "main").text)
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "input[name='a.Q1']"))
        self.assert_accessible(d.current_url.replace(BASE, ""))

    def test_units_search_ignores_diacritics(self):
        self.sign_in("admin")
        self.driver.get(f"{BASE}/units?q=diem+he&register=legacy")
        link = self.driver.find_element(By.LINK_TEXT, "Xã Điềm He")
        link.click()
        WebDriverWait(self.driver, **PATIENT).until(lambda d: "/units/" in d.current_url)
        self.assertIn("Được kế thừa bởi", self.driver.find_element(By.TAG_NAME, "main").text)

    def test_fieldwork_on_a_phone_and_keying_without_a_mouse(self):
        """An enumerator records a delivery on the phone screen; a clerk keys a form with the
        keyboard alone (one key per answer, the skips locked as they type); the province's
        fieldwork, re-check and keying pages parse, are accessible and fit a phone."""
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import Select
        d = self.driver
        cid = self.campaigns["LSN-VQ-2026"]
        self.sign_in("dtv.an")
        d.get(f"{BASE}/campaigns/{cid}/fieldwork/cases")
        card = d.find_elements(By.CSS_SELECTOR, "li.card form[action$='/replace'], li.card form.inline")[0]
        code = card.get_attribute("action").split("/")[-1]
        Select(card.find_element(By.TAG_NAME, "select")).select_by_value("delivered")
        card.find_element(By.TAG_NAME, "button").click()
        WebDriverWait(d, **PATIENT).until(lambda d: "message=recorded" in d.current_url)
        self.assertIn("Đã ghi kết quả.", d.find_element(By.TAG_NAME, "main").text)
        self.assertIn("Đã phát phiếu", d.find_element(By.ID, "c" + code).text)
        self.assert_fits_a_phone(f"/campaigns/{cid}/fieldwork/cases")
        self.assert_accessible(f"/campaigns/{cid}/fieldwork/cases")
        self.assert_valid_html(f"/campaigns/{cid}/fieldwork/cases")

        self.sign_in("nhaplieu.langson")
        d.get(f"{BASE}/campaigns/{cid}/entry")
        entry = d.find_element(By.ID, "code")
        self.assertEqual(d.switch_to.active_element, entry, "the case code has the focus")
        # A typo in the code is caught by its check digit before any answer is keyed.
        typo = code[:-1] + str((int(code[-1]) + 1) % 10)
        entry.send_keys(typo, Keys.ENTER)
        self.assertEqual(d.switch_to.active_element, entry, "a wrong check digit keeps the cursor on the code")
        self.assertIn("sai chữ số kiểm tra", d.find_element(By.ID, "keying-status").text)
        entry.clear()
        entry.send_keys(code, Keys.ENTER)
        self.assertEqual(d.find_element(By.ID, "keying-status").text, "", "the message goes once the code is right")
        # GENDER then AGE: one key each, the cursor moves on by itself.
        d.switch_to.active_element.send_keys("1")
        self.assertEqual(d.switch_to.active_element.get_attribute("name"), "a.AGE")
        d.switch_to.active_element.send_keys("7")
        self.assertIn("không có", d.find_element(By.ID, "keying-status").text, "a code outside the scale is flagged at once")
        d.switch_to.active_element.send_keys(Keys.BACKSPACE, "3")
        self.assertEqual(d.switch_to.active_element.get_attribute("name"), "a.ETHNIC")
        # A condition's question is locked until its answer makes it asked.
        gated = d.find_elements(By.CSS_SELECTOR, ".key-row[data-relevant] input")
        self.assertTrue(gated and all(not i.is_enabled() for i in gated), "skipped questions are locked")
        d.find_element(By.CSS_SELECTOR, "#keying button[type=submit]").send_keys(Keys.ENTER)
        WebDriverWait(d, **PATIENT).until(lambda d: "status=" in d.current_url)
        self.assertIn(f"phiếu {code}", d.find_element(By.TAG_NAME, "main").text)
        d.save_screenshot(os.path.join(SHOTS, "entry.png"))
        self.assert_accessible(f"/campaigns/{cid}/entry")
        self.assert_valid_html(f"/campaigns/{cid}/entry")

        self.sign_in("snv.langson")
        for path in [f"/campaigns/{cid}/fieldwork", f"/campaigns/{cid}/fieldwork?by=enumerator", f"/campaigns/{cid}/fieldwork/rechecks",
                     f"/campaigns/{cid}/entry", f"/campaigns/{cid}/entry/differences"]:
            self.assert_valid_html(path)
            self.assert_accessible(path)
            self.assert_fits_a_phone(path)
        # The office's copy of the progress: the screen's link opens as a workbook with the screen's totals.
        d.get(f"{BASE}/campaigns/{cid}/fieldwork")
        self.assertIn("Cần kiểm tra", d.find_element(By.TAG_NAME, "main").text, "a form returned after a refusal is listed")
        href = d.find_element(By.PARTIAL_LINK_TEXT, "(Excel)").get_attribute("href")
        status, headers, body = self.download(href.replace(BASE, ""))
        self.assertIn("spreadsheetml", headers["Content-Type"])
        sheet = openpyxl.load_workbook(io.BytesIO(body))["Tiến độ"]
        header = [c.value for c in sheet[1]]
        self.assertEqual(header[:3], ["Mã đơn vị", "Tên", "Trường hợp"])
        total = [c.value for c in sheet[sheet.max_row]]
        shown = d.find_element(By.CSS_SELECTOR, "table.progress tfoot td.num").text
        self.assertEqual((total[0], total[2]), ("Tổng", int(shown.replace(".", ""))))
        d.get(f"{BASE}/campaigns/{cid}/fieldwork")
        # The paper form prints scale questions as the national form's grid, and readable conditions.
        enumerator = d.find_element(By.CSS_SELECTOR, "main a[href*='enumerator=']").get_attribute("href").split("enumerator=")[1].split("&")[0]
        d.get(f"{BASE}/campaigns/{cid}/fieldwork/phieu?enumerator={enumerator}")
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "table.grid tbody tr"), "scale questions in a grid")
        self.assertNotIn(" or ", d.find_element(By.TAG_NAME, "main").text)

    def test_every_page_parses_and_the_main_ones_are_accessible(self):
        self.sign_in("admin")
        a, b = self.campaigns["LSN-VQ-2023"], self.campaigns["LSN-VQ-2025"]
        pages = ["/", "/campaigns", f"/campaigns/{a}", f"/campaigns/{a}/dashboard", f"/campaigns/{a}/dashboard?unit=06280",
                 f"/campaigns/{a}/ranking", f"/campaigns/{b}/change", f"/campaigns/{a}/received", "/units?q=van+quan&register=legacy",
                 "/account/password", "/users", "/audit?verify=1", f"/campaigns/{a}/wishes", f"/campaigns/{b}/map",
                 "/questionnaires", "/questionnaires/sipas-2017/1", "/questionnaires/sipas-2023/1/preview", "/questionnaires/import"]
        for path in pages:
            self.assert_valid_html(path)
        for path in ["/", f"/campaigns/{a}", f"/campaigns/{a}/dashboard?unit=06280", f"/campaigns/{a}/ranking", f"/campaigns/{b}/change",
                     "/campaigns/new", f"/campaigns/{a}/received", "/users", "/audit", f"/campaigns/{a}/wishes", f"/campaigns/{b}/map",
                     "/questionnaires", "/questionnaires/sipas-2017/1", "/questionnaires/import",
                     "/questionnaires/sipas-2017/1/preview", "/questionnaires/sipas-2023/1/preview"]:
            self.assert_accessible(path)
        self.driver.delete_all_cookies()
        self.assert_accessible("/sign-in")


if __name__ == "__main__":
    unittest.main()
