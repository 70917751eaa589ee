/**
 * Kinds of software and the well-known tools of each kind: what an embedding model knows and
 * a word list does not, that Neovim is an editor, Jira an issue tracker and Square a payment
 * system. A question naming a kind ("what does the shop use for payments") reaches the tools
 * of that kind, and one naming a tool ("does she use vim or vscode") reaches the words for its
 * kind ("editor Neovim"); a question about tools or software in general reaches them all.
 *
 * Broad lists of widely used tools by category, in the spirit of a dictionary's examples; not
 * taken from one user's data or one question. Tools whose name is an everyday word ("mode",
 * "cursor", "keep", "mint") are left out: they would fire on ordinary questions.
 *
 * Format: one kind a line, `kind words > tools`, `_` standing for a space.
 */
export const TOOL_KINDS = `
editor text_editor code_editor ide 编辑器 开发工具 > vim neovim nvim emacs vscode vs_code visual_studio_code visual_studio sublime_text notepad++ intellij pycharm goland webstorm clion xcode android_studio eclipse jupyter
issue_tracker project_management 项目管理 任务管理 > jira linear asana trello clickup youtrack github_issues teambition tapd
design_tool design_software design 设计软件 设计工具 > figma sketch adobe_xd photoshop illustrator lightroom indesign after_effects blender canva procreate 即时设计 蓝湖
documentation docs notes wiki 文档 笔记 > notion confluence google_docs evernote obsidian onenote 语雀 飞书文档 石墨文档
chat messaging video_call 聊天 沟通 > slack microsoft_teams zoom discord wechat 微信 企业微信 钉钉 dingtalk 飞书 lark feishu whatsapp telegram skype
database db 数据库 > postgresql postgres mysql sqlite mongodb redis oracle sql_server mariadb tidb cassandra elasticsearch clickhouse dynamodb snowflake bigquery milvus pinecone neo4j
cloud hosting 云 云服务 > aws gcp google_cloud azure aliyun 阿里云 腾讯云 华为云 digitalocean heroku vercel cloudflare
analytics data_analysis bi 数据分析 > tableau power_bi looker amplitude mixpanel google_analytics metabase superset sql
ml_framework deep_learning_framework framework 深度学习框架 框架 > pytorch tensorflow jax keras scikit-learn huggingface paddlepaddle 飞桨 mxnet
experiment_tracking 实验管理 > wandb weights_&_biases mlflow tensorboard
ci continuous_integration pipeline 持续集成 > jenkins github_actions gitlab_ci circleci travis_ci
deployment containers orchestration 部署 容器 > docker kubernetes k8s helm terraform ansible
message_queue 消息队列 > kafka rabbitmq rocketmq pulsar
version_control 版本控制 代码托管 > git github gitlab bitbucket svn
payment payments point_of_sale pos checkout 支付 收款 收银 > square stripe paypal alipay 支付宝 wechat_pay 微信支付
e-commerce ecommerce online_store online_shop 电商 网店 > shopify woocommerce bigcommerce etsy taobao 淘宝 tmall 天猫 京东 拼多多 wix squarespace
accounting bookkeeping 会计 记账 > quickbooks xero freshbooks 金蝶 用友
email_marketing newsletter 邮件营销 > mailchimp substack convertkit sendgrid
office_software spreadsheet presentation slides 办公软件 表格 课件 > excel google_sheets powerpoint ppt wps
budgeting_app budget 记账软件 预算 > ynab 随手记
fitness_app workout_app 健身软件 > strava peloton nike_run_club
social_media 社交媒体 > instagram facebook twitter tiktok 抖音 小红书 weibo 微博 linkedin youtube bilibili
language_app language_learning 学语言 > duolingo anki 百词斩 多邻国
`;

/** Words whose questions want every tool ("what tools does she use at work"). */
export const ALL_TOOLS_WORDS: readonly string[] = ['tool', 'software', 'app', '工具', '软件'];

/**
 * The lines of {@link TOOL_KINDS} as `[kind words, tools]` (`_` turned into spaces).
 *
 * @example
 * ```ts
 * parseToolKinds('editor 编辑器 > vim vs_code'); // [[['editor', '编辑器'], ['vim', 'vs code']]]
 * ```
 */
export function parseToolKinds(text: string = TOOL_KINDS): [string[], string[]][] {
  const out: [string[], string[]][] = [];
  const words = (part: string) =>
    part
      .split(' ')
      .filter(Boolean)
      .map((w) => w.replaceAll('_', ' '));
  for (const line of text.split('\n')) {
    const [kind, tools] = line.split(' > ');
    if (!kind || tools === undefined) continue;
    out.push([words(kind), words(tools)]);
  }
  return out;
}
