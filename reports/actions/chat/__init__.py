"""Filing a report in a Zalo or Telegram chat, and the chat side of a report's thread (docs/channels.md).

- dialogue.py      the questions, as a pure state machine (a draft and a message in, the next
                   draft and the answer out)
- conversation.py  the receiver of `message_received`: the stored draft, follow-ups on a filed report
- filing.py        a confirmed draft filed through `check_submit_report`, like the web form
- replies.py       the police's answers, sent back to the chat as deliveries of the engine

Import from the module that holds a name: the police's messages (handling.py) use replies.py,
which the conversation, in turn, builds on.
"""
