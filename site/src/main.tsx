import { render } from "preact";
import { App } from "./app/App";
import "./styles.css";

const root = document.getElementById("app");
if (root === null) throw new Error("index.html must contain <div id=\"app\">");
render(<App />, root);
