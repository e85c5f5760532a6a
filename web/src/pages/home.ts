// The home page: which page is this phone for, the shop's till or the resident's wallet.

import { t } from "../lib/i18n";
import { $, clear, el, header } from "../lib/ui";

header("app.title");
clear(
  $("choices"),
  el("a", { href: "/wallet/", class: "choice", id: "go-wallet" }, el("strong", {}, t("home.wallet")), el("span", {}, t("home.wallet.hint"))),
  el("a", { href: "/till/", class: "choice", id: "go-till" }, el("strong", {}, t("home.till")), el("span", {}, t("home.till.hint"))),
);
